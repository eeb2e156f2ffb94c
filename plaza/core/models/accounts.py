"""Accounts: a login. An account is not a person (see identity)."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An account needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("As it happens")
    DAILY = "daily", _("Once a day, in a digest")
    NEVER = "never", _("Never: only on this site")


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    public_name = models.CharField(
        _("public name"),
        max_length=80,
        blank=True,
        help_text=_("Shown next to what you write. Leave empty to stay anonymous."),
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    home_jurisdiction = models.ForeignKey(
        "core.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("home jurisdiction"),
    )
    notification_emails = models.CharField(
        _("e-mail me about what I follow"), max_length=10, choices=EmailFrequency.choices, default=EmailFrequency.DAILY
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return str(self.display_name)

    @property
    def display_name(self) -> str:
        return self.public_name or _("Anonymous resident")
