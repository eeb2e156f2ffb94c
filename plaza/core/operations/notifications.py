"""Notifying people of what happens to what they follow: in-site rows, then e-mail now or in a daily digest."""

from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.core.jobs import enqueue, job
from plaza.core.models import Follow, Jurisdiction, Notification, User
from plaza.core.models.accounts import EmailFrequency
from plaza.core.tenancy import across_jurisdictions, jurisdiction_scope

# What each event says, with %(actor)s and %(target)s; components add theirs with `register_event`.
EVENTS: dict[str, str | Promise] = {
    "comment.created": gettext_lazy("%(actor)s commented on “%(target)s”."),
    "comment.reply": gettext_lazy("%(actor)s replied to a comment on “%(target)s”."),
    "comment.flagged": gettext_lazy("A comment on “%(target)s” was reported to the moderators."),
    "comment.hidden": gettext_lazy("A moderator hid your comment on “%(target)s”."),
}


def register_event(name: str, text: str | Promise) -> None:
    """A component describes one of its events (a lazily translated sentence)."""
    EVENTS[name] = text


def describe(notification: Notification) -> str:
    """The notification as a sentence in the active language."""
    text = EVENTS.get(notification.event, gettext_lazy("Something happened on “%(target)s”."))
    actor = notification.actor_label or _("Anonymous resident")
    return str(text) % {"actor": actor, "target": notification.target_label}


def followers(target: models.Model):
    content_type = ContentType.objects.get_for_model(target)
    follows = Follow.objects.with_scope(jurisdiction=target.jurisdiction_id).filter(
        content_type=content_type, object_id=target.pk
    )
    return User.objects.filter(pk__in=follows.values("user_id"), is_active=True)


def notify(
    *,
    jurisdiction: Jurisdiction,
    event: str,
    target: models.Model,
    actor,
    recipients: list | None = None,
    url: str | None = None,
) -> list[Notification]:
    """Tell `recipients` (by default the target's followers), never the actor. Call it via on_commit."""
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        people = list(followers(target)) if recipients is None else [r for r in recipients if r.is_active]
        unique = {person.pk: person for person in people if actor is None or person.pk != actor.pk}
        if not unique:
            return []
        content_type = ContentType.objects.get_for_model(target)
        rows = Notification.objects.bulk_create(
            [
                Notification(
                    jurisdiction=jurisdiction,
                    recipient=person,
                    event=event,
                    actor=actor,
                    actor_label=str(actor.display_name) if actor else "",
                    content_type=content_type,
                    object_id=target.pk,
                    target_label=str(target)[:300],
                    url=(url or (target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""))[:500],
                )
                for person in unique.values()
            ]
        )
        immediate = [row.pk for row in rows if row.recipient.notification_emails == EmailFrequency.IMMEDIATE]
        if immediate:
            # Mail goes out from a job: a slow or failing mail server never fails the resident's request.
            enqueue(
                jurisdiction=jurisdiction,
                kind="core.email_notifications",
                params={"notifications": immediate},
                idempotency_key=f"notification-emails:{immediate[0]}:{immediate[-1]}",
            )
    return rows


def absolute_url(path: str) -> str:
    base = settings.PLAZA_SITE_URL
    return f"{base}{path}" if path.startswith("/") else path


def _language_for(user: User, jurisdiction: Jurisdiction | None) -> str:
    return user.language or (jurisdiction.default_language if jurisdiction else settings.LANGUAGE_CODE)


def _message(recipient: User, rows: list[Notification], jurisdiction: Jurisdiction | None, digest: bool):
    with translation.override(_language_for(recipient, jurisdiction)):
        items = [{"text": describe(row), "url": absolute_url(row.url)} for row in rows]
        if digest:
            subject = _("Plaza: %(count)s new notifications today") % {"count": len(items)}
        else:
            subject = _("Plaza: %(text)s") % {"text": items[0]["text"]}
        body = render_to_string(
            "core/notifications/email.txt",
            {"items": items, "digest": digest, "settings_url": absolute_url("/account/notifications/")},
        )
    return EmailMessage(subject=subject[:200], body=body, to=[recipient.email])


@job("core.email_notifications", max_attempts=5, retry_backoff=60)
def email_notifications(job_row, context) -> dict:
    """E-mail notifications to accounts that chose "as it happens"; those already e-mailed are skipped."""
    rows = list(
        Notification.objects.filter(pk__in=job_row.parameters["notifications"], emailed_at=None).select_related(
            "recipient", "jurisdiction"
        )
    )
    if rows:
        jurisdiction = job_row.jurisdiction
        get_connection().send_messages([_message(row.recipient, [row], jurisdiction, digest=False) for row in rows])
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=timezone.now())
    return {"emailed": len(rows)}


def send_digests(now: datetime | None = None) -> int:
    """One e-mail per account that chose the daily digest, grouping what it has not been e-mailed yet."""
    now = now or timezone.now()
    with across_jurisdictions():  # an account follows things in several jurisdictions: one digest for all
        pending = list(
            Notification.objects.filter(
                emailed_at=None,
                created_at__lte=now,
                recipient__is_active=True,
                recipient__notification_emails=EmailFrequency.DAILY,
            )
            .select_related("recipient", "jurisdiction")
            .order_by("recipient_id", "created_at", "id")
        )
        by_recipient: dict[int, list[Notification]] = defaultdict(list)
        for row in pending:
            by_recipient[row.recipient_id].append(row)
        messages = [
            _message(rows[0].recipient, rows, rows[0].jurisdiction, digest=True) for rows in by_recipient.values()
        ]
        get_connection().send_messages(messages)
        Notification.objects.filter(pk__in=[row.pk for row in pending]).update(emailed_at=now)
    return len(messages)


def _own(actor, notification: Notification) -> None:
    if actor is None or actor.pk != notification.recipient_id:
        raise PermissionDenied(_("This notification is not yours."))


def mark_read(*, actor, notification: Notification) -> Notification:
    _own(actor, notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        with across_jurisdictions():
            Notification.objects.filter(pk=notification.pk).update(read_at=notification.read_at)
    return notification


def mark_all_read(*, actor) -> int:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to see your notifications."))
    with across_jurisdictions():
        return Notification.objects.filter(recipient=actor, read_at=None).update(read_at=timezone.now())


def set_notification_emails(*, actor, user: User, frequency: str) -> User:
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied(_("You can only change your own settings."))
    if frequency not in EmailFrequency.values:
        raise ValidationError({"notification_emails": _("Choose one of the options.")})
    user.notification_emails = frequency
    user.save(update_fields=["notification_emails"])
    return user


def erase_account_notifications(user: User) -> None:
    """Account erasure: its notifications go, and others' notifications no longer name it.

    Call inside the erasure's transaction and `across_jurisdictions()`.
    """
    Notification.objects.filter(recipient=user).delete()
    Notification.objects.filter(actor=user).update(actor=None, actor_label="")
