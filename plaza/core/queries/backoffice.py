"""Reads for the back office: one jurisdiction's processes, phases, components and role grants."""

from django.db.models import QuerySet

from plaza.core.models import ComponentInstance, ComponentStep, Jurisdiction, Phase, Process, RoleGrant


def process_to_manage(jurisdiction: Jurisdiction, slug: str) -> Process:
    """A process of this jurisdiction, published or not, or Process.DoesNotExist."""
    return Process.objects.with_scope(jurisdiction=jurisdiction).select_related("jurisdiction").get(slug=slug)


def phases_of(process: Process) -> QuerySet[Phase]:
    return (
        Phase.objects.with_scope(jurisdiction=process.jurisdiction)
        .filter(process=process)
        .select_related("jurisdiction", "process")
    )


def components_of(process: Process) -> QuerySet[ComponentInstance]:
    return (
        ComponentInstance.objects.with_scope(jurisdiction=process.jurisdiction)
        .filter(process=process)
        .select_related("jurisdiction", "process")
    )


def steps_of(process: Process) -> dict[tuple[int, int], ComponentStep]:
    """The phase × component grid of a process, keyed by (phase id, component id)."""
    steps = ComponentStep.objects.with_scope(jurisdiction=process.jurisdiction).filter(phase__process=process)
    return {(s.phase_id, s.component_id): s for s in steps}


def role_grants(jurisdiction: Jurisdiction) -> QuerySet[RoleGrant]:
    return (
        RoleGrant.objects.with_scope(jurisdiction=jurisdiction)
        .select_related("user", "process", "granted_by", "jurisdiction")
        .order_by("role", "user__email")
    )


def roles_held(user, jurisdiction: Jurisdiction) -> set[str]:
    """The roles a user holds here, jurisdiction-wide (process is None) and in any process."""
    if user is None or not user.is_authenticated:
        return set()
    grants = RoleGrant.objects.with_scope(jurisdiction=jurisdiction).filter(user=user)
    return {f"{role}@process" if process else role for role, process in grants.values_list("role", "process")}
