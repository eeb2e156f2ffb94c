"""Creating jurisdictions (network staff) and configuring them (their admins)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.models import Jurisdiction, Role
from plaza.core.permissions import is_network_staff, require_role

EDITABLE_FIELDS = (
    "name",
    "description",
    "languages",
    "default_language",
    "time_zone",
    "country",
    "domain",
    "primary_colour",
    "accent_colour",
    "logo",
)


def create_jurisdiction(
    *,
    actor,
    slug: str,
    name: str,
    kind: str = Jurisdiction.Kind.CITY,
    parent: Jurisdiction | None = None,
    languages: list[str] | None = None,
    default_language: str = "en",
    time_zone: str = "UTC",
    country: str = "",
    domain: str | None = None,
    description: str = "",
) -> Jurisdiction:
    if not is_network_staff(actor):
        raise PermissionDenied(_("Only the network's staff can add a jurisdiction."))
    jurisdiction = Jurisdiction(
        slug=slug,
        name=name,
        kind=kind,
        parent=parent,
        languages=languages or [default_language],
        default_language=default_language,
        time_zone=time_zone,
        country=country,
        domain=domain or None,
        description=description,
    )
    jurisdiction.full_clean()
    with transaction.atomic():
        jurisdiction.save()
        record(jurisdiction=jurisdiction, actor=actor, action="jurisdiction.create", target=jurisdiction, public=True)
    return jurisdiction


def update_jurisdiction(*, actor, jurisdiction: Jurisdiction, reason: str = "", **changes) -> Jurisdiction:
    require_role(actor, jurisdiction, Role.ADMIN)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    before = {name: str(getattr(jurisdiction, name)) for name in changes}
    for name, value in changes.items():
        setattr(jurisdiction, name, value)
    jurisdiction.full_clean()
    with transaction.atomic():
        jurisdiction.save()
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="jurisdiction.update",
            target=jurisdiction,
            reason=reason,
            data={"before": before, "after": {k: str(v) for k, v in changes.items()}},
        )
    return jurisdiction
