"""Who may do what: roles per jurisdiction or process, and phase-switched component actions."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.models import ComponentInstance, Jurisdiction, Process, Role, RoleGrant, Verification

# The kept readings of who holds which role (core/fragments.py): any save or delete of a role grant or an
# account retires them (core/signals.py).
ROLES_TOPIC = "core.roles"


def has_role(user, jurisdiction: Jurisdiction, *roles: str, process: Process | None = None) -> bool:
    """True if the user holds one of `roles` in the jurisdiction (or in the given process)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    grants = RoleGrant.objects.with_scope(jurisdiction=jurisdiction).filter(user=user, role__in=roles)
    if process is not None:
        grants = grants.filter(Q(process__isnull=True) | Q(process=process))
    else:
        grants = grants.filter(process__isnull=True)
    return grants.exists()


def is_network_staff(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        RoleGrant.objects.with_scopes_disabled()
        .filter(user=user, role=Role.NETWORK_STAFF, jurisdiction__kind=Jurisdiction.Kind.NETWORK)
        .exists()
    )


def holds_any_role(user, jurisdiction: Jurisdiction) -> bool:
    """Whether the back office has anything for this user here (one query)."""
    if user.is_superuser:
        return True
    network_staff = Q(role=Role.NETWORK_STAFF, jurisdiction__kind=Jurisdiction.Kind.NETWORK)
    return (
        RoleGrant.objects.with_scopes_disabled()
        .filter(Q(jurisdiction=jurisdiction) | network_staff, user=user)
        .exists()
    )


def require_role(user, jurisdiction: Jurisdiction, *roles: str, process: Process | None = None) -> None:
    if not has_role(user, jurisdiction, *roles, process=process):
        raise PermissionDenied(_("You do not have the role needed for this."))


def verification_level(user, jurisdiction: Jurisdiction) -> int:
    if user is None or not user.is_authenticated:
        return -1
    found = (
        Verification.objects.with_scope(jurisdiction=jurisdiction)
        .filter(user=user)
        .values_list("level", flat=True)
        .first()
    )
    return found or 0


def _required_level(component: ComponentInstance, action) -> int:
    return component.settings.get(f"{action.name}_verification_level", action.verification_level)


def plain_action_level(component: ComponentInstance, action_name: str) -> int | None:
    """The verification level `component_action_allowed` requires of a signed-in account for `action_name` in
    `component` when that level is all it checks (no phase of the process opens or closes the action), else None:
    for a write that checks the level itself, in SQL."""
    manifest = component.manifest
    if manifest is None:
        return None
    action = manifest.action(action_name)
    return None if action.phase_action else _required_level(component, action)


def component_action_allowed(
    user, component: ComponentInstance, action_name: str, now=None, *, level: int | None = None
) -> tuple[bool, str]:
    """Whether `user` may do `action_name` in `component` now, and if not, why (translated).

    `level`: the account's verification level in the jurisdiction when the caller already read it (a hot write path
    reading the account's verification anyway), so that it is not read twice.
    """
    manifest = component.manifest
    if manifest is None:
        return False, _("This component is not installed.")
    action = manifest.action(action_name)
    if user is None or not user.is_authenticated:
        return False, _("Sign in to take part.")
    if action.phase_action:
        now = now or timezone.now()
        step = (
            component.steps.filter(phase__starts_at__lte=now, phase__ends_at__gt=now, enabled=True)
            .values_list("actions", flat=True)
            .first()
        )
        if step is None or action.phase_action not in step:
            return False, _("This is not open in the current phase.")
    required = _required_level(component, action)
    if (verification_level(user, component.jurisdiction) if level is None else level) < required:
        return False, _("Verify your identity with the census to take part.")
    return True, ""
