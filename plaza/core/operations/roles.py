"""Granting and revoking roles: only a jurisdiction's admins (or the network's staff)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.models import Jurisdiction, Process, Role, RoleGrant
from plaza.core.permissions import has_role, is_network_staff


def _check_may_grant(actor, jurisdiction: Jurisdiction, role: str) -> None:
    if role == Role.NETWORK_STAFF or role == Role.ADMIN:
        allowed = is_network_staff(actor) or (role == Role.ADMIN and has_role(actor, jurisdiction, Role.ADMIN))
    else:
        allowed = has_role(actor, jurisdiction, Role.ADMIN) or is_network_staff(actor)
    if not allowed:
        raise PermissionDenied(_("You cannot grant this role here."))


def grant_role(
    *,
    actor,
    jurisdiction: Jurisdiction,
    user,
    role: str,
    process: Process | None = None,
    department: str = "",
    reason: str = "",
) -> RoleGrant:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    _check_may_grant(actor, jurisdiction, role)
    if process is not None and process.jurisdiction_id != jurisdiction.pk:
        raise ValidationError({"process": _("This process belongs to another jurisdiction.")})
    with transaction.atomic():
        grant, created = RoleGrant.objects.with_scope(jurisdiction=jurisdiction).get_or_create(
            jurisdiction=jurisdiction,
            user=user,
            role=role,
            process=process,
            defaults={"granted_by": actor if actor and actor.is_authenticated else None, "department": department},
        )
        if created:
            record(
                jurisdiction=jurisdiction,
                actor=actor,
                action="role.grant",
                target=grant,
                reason=reason,
                data={"role": role, "user": user.pk, "process": process.pk if process else None},
                public=True,
            )
    return grant


def revoke_role(*, actor, grant: RoleGrant, reason: str = "") -> None:
    _check_may_grant(actor, grant.jurisdiction, grant.role)
    with transaction.atomic():
        record(
            jurisdiction=grant.jurisdiction,
            actor=actor,
            action="role.revoke",
            target=grant,
            reason=reason,
            data={"role": grant.role, "user": grant.user_id},
            public=True,
        )
        grant.delete()
