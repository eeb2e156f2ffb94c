"""A page is a titled body of text belonging to one component instance."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from plaza.core.tenancy import TenantManager, TenantModel


class Page(TenantModel):
    component = models.OneToOneField("core.ComponentInstance", on_delete=models.CASCADE, related_name="page")
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    def __str__(self) -> str:
        return self.component.title
