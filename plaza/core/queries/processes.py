"""Reading jurisdictions and processes, for pages, the API and the network home."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from plaza.core import fragments
from plaza.core.models import ComponentInstance, Jurisdiction, Phase, Process
from plaza.core.tenancy import across_jurisdictions

PROCESSES_TOPIC = "core.processes"  # the kept process pages' topic (core/fragments.py)


def active_jurisdictions() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.filter(is_active=True).select_related("parent")


def jurisdiction_tree() -> list[tuple[Jurisdiction, int]]:
    """Every active jurisdiction in tree order, with its depth (one query)."""
    nodes = list(active_jurisdictions().order_by("name"))
    children: dict[int | None, list[Jurisdiction]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[tuple[Jurisdiction, int]] = []

    def walk(parent_id, depth):
        for node in children.get(parent_id, []):
            ordered.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return ordered


def published_processes(jurisdiction: Jurisdiction) -> QuerySet[Process]:
    return (
        Process.objects.with_scope(jurisdiction=jurisdiction)
        .filter(is_published=True)
        .select_related("jurisdiction")
        .prefetch_related("phases")
    )


def processes_for_admin(jurisdiction: Jurisdiction) -> QuerySet[Process]:
    return (
        Process.objects.with_scope(jurisdiction=jurisdiction).select_related("jurisdiction").prefetch_related("phases")
    )


def active_processes_across_network(limit: int = 12) -> list[Process]:
    """Published processes with a phase open now, in every jurisdiction (the network home)."""
    now = timezone.now()
    with across_jurisdictions():
        return list(
            Process.objects.filter(
                is_published=True, jurisdiction__is_active=True, phases__starts_at__lte=now, phases__ends_at__gt=now
            )
            .select_related("jurisdiction")
            .prefetch_related("phases")
            .distinct()
            .order_by("title")[:limit]
        )


def process_page(jurisdiction: Jurisdiction, slug: str, *, include_unpublished: bool = False) -> Process:
    """One process with its phases, steps and components, or Process.DoesNotExist.

    Every page of every component in a process reads it first (four queries), so it is kept in the cache under the
    processes' version (`PROCESSES_TOPIC`: any save or delete of a jurisdiction, process, phase, step or component
    instance retires it, core/signals.py). Each caller gets its own copy.
    """

    def load() -> Process:
        processes = Process.objects.with_scope(jurisdiction=jurisdiction)
        if not include_unpublished:
            processes = processes.filter(is_published=True)
        phases = Phase.objects.with_scope(jurisdiction=jurisdiction).prefetch_related("steps")
        components = (
            ComponentInstance.objects.with_scope(jurisdiction=jurisdiction)
            .filter(is_published=True)
            .select_related("jurisdiction", "process")
        )
        return (
            processes.select_related("jurisdiction")
            .prefetch_related(Prefetch("phases", queryset=phases), Prefetch("components", queryset=components))
            .get(slug=slug)
        )

    return fragments.kept(PROCESSES_TOPIC, "process_page", (jurisdiction.pk, slug, include_unpublished), load)


def active_phase(process: Process):
    now = timezone.now()
    return next((p for p in process.phases.all() if p.starts_at <= now < p.ends_at), None)
