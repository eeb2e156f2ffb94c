"""Setting up processes: phases, components switched on, and what each phase allows."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.components import registry
from plaza.core.models import ComponentInstance, ComponentStep, Jurisdiction, Phase, PhaseAction, Process, Role
from plaza.core.permissions import require_role
from plaza.core.tenancy import jurisdiction_scope


def create_process(
    *,
    actor,
    jurisdiction: Jurisdiction,
    slug: str,
    title: str,
    subtitle: str = "",
    description: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
    is_published: bool = False,
) -> Process:
    require_role(actor, jurisdiction, Role.ADMIN)
    process = Process(
        jurisdiction=jurisdiction,
        slug=slug,
        title=title,
        subtitle=subtitle,
        description=description,
        start_date=start_date,
        end_date=end_date,
        is_published=is_published,
    )
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        process.full_clean()
        process.save()
        record(jurisdiction=jurisdiction, actor=actor, action="process.create", target=process, public=True)
    return process


def publish_process(*, actor, process: Process, published: bool = True) -> Process:
    require_role(actor, process.jurisdiction, Role.ADMIN)
    with transaction.atomic(), jurisdiction_scope(process.jurisdiction):
        process.is_published = published
        process.save(update_fields=["is_published"])
        record(
            jurisdiction=process.jurisdiction,
            actor=actor,
            action="process.publish" if published else "process.unpublish",
            target=process,
            public=True,
        )
    return process


def _check_no_overlap(phase: Phase) -> None:
    overlapping = (
        phase.process.phases.filter(starts_at__lt=phase.ends_at, ends_at__gt=phase.starts_at)
        .exclude(pk=phase.pk)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {"starts_at": _("This phase overlaps the phase “%(title)s”.") % {"title": overlapping.title}}
        )


def add_phase(
    *, actor, process: Process, title: str, starts_at: datetime, ends_at: datetime, description: str = ""
) -> Phase:
    require_role(actor, process.jurisdiction, Role.ADMIN)
    with transaction.atomic(), jurisdiction_scope(process.jurisdiction):
        last = process.phases.order_by("-position").values_list("position", flat=True).first()
        phase = Phase(
            jurisdiction=process.jurisdiction,
            process=process,
            position=(last or 0) + 1,
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        phase.full_clean()
        _check_no_overlap(phase)
        phase.save()
        record(jurisdiction=process.jurisdiction, actor=actor, action="phase.create", target=phase, public=True)
    return phase


def add_component(
    *, actor, process: Process, manifest_name: str, slug: str, title: str, settings: dict | None = None
) -> ComponentInstance:
    require_role(actor, process.jurisdiction, Role.ADMIN)
    manifest = registry.get(manifest_name)
    if manifest is None:
        raise ValidationError(
            {"manifest_name": _("There is no component called “%(name)s”.") % {"name": manifest_name}}
        )
    with transaction.atomic(), jurisdiction_scope(process.jurisdiction):
        position = process.components.count()
        component = ComponentInstance(
            jurisdiction=process.jurisdiction,
            process=process,
            manifest_name=manifest_name,
            slug=slug,
            title=title,
            position=position,
            settings={**manifest.default_settings, **(settings or {})},
        )
        component.full_clean()
        component.save()
        record(
            jurisdiction=process.jurisdiction,
            actor=actor,
            action="component.create",
            target=component,
            data={"manifest": manifest_name},
            public=True,
        )
    return component


def set_component_step(
    *, actor, phase: Phase, component: ComponentInstance, enabled: bool, actions: list[str]
) -> ComponentStep:
    require_role(actor, phase.jurisdiction, Role.ADMIN)
    if component.process_id != phase.process_id:
        raise ValidationError(_("The component and the phase belong to different processes."))
    unknown = [a for a in actions if a not in PhaseAction.values]
    if unknown:
        raise ValidationError({"actions": _("Unknown action: %(names)s.") % {"names": ", ".join(unknown)}})
    with transaction.atomic(), jurisdiction_scope(phase.jurisdiction):
        step, _created = ComponentStep.objects.with_scope(jurisdiction=phase.jurisdiction).update_or_create(
            phase=phase,
            component=component,
            defaults={"jurisdiction": phase.jurisdiction, "enabled": enabled, "actions": sorted(set(actions))},
        )
        record(
            jurisdiction=phase.jurisdiction,
            actor=actor,
            action="component.step",
            target=component,
            data={"phase": phase.pk, "enabled": enabled, "actions": step.actions},
            public=True,
        )
    return step


def update_process(
    *,
    actor,
    process: Process,
    title: str,
    subtitle: str = "",
    description: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
) -> Process:
    """Change what a process says and when it runs; its address stays (people bookmark it)."""
    require_role(actor, process.jurisdiction, Role.ADMIN)
    changes = {
        "title": title,
        "subtitle": subtitle,
        "description": description,
        "start_date": start_date,
        "end_date": end_date,
    }
    before = {name: str(getattr(process, name)) for name in changes}
    for name, value in changes.items():
        setattr(process, name, value)
    with transaction.atomic(), jurisdiction_scope(process.jurisdiction):
        process.full_clean()
        process.save(update_fields=list(changes))
        record(
            jurisdiction=process.jurisdiction,
            actor=actor,
            action="process.update",
            target=process,
            data={"before": before, "after": {k: str(v) for k, v in changes.items()}},
            public=True,
        )
    return process


def update_phase(
    *, actor, phase: Phase, title: str, starts_at: datetime, ends_at: datetime, description: str = ""
) -> Phase:
    require_role(actor, phase.jurisdiction, Role.ADMIN)
    before = {"title": phase.title, "starts_at": phase.starts_at.isoformat(), "ends_at": phase.ends_at.isoformat()}
    phase.title, phase.description, phase.starts_at, phase.ends_at = title, description, starts_at, ends_at
    with transaction.atomic(), jurisdiction_scope(phase.jurisdiction):
        phase.full_clean()
        _check_no_overlap(phase)
        phase.save(update_fields=["title", "description", "starts_at", "ends_at"])
        record(
            jurisdiction=phase.jurisdiction,
            actor=actor,
            action="phase.update",
            target=phase,
            data={
                "before": before,
                "after": {"title": title, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
            },
            public=True,
        )
    return phase


def delete_phase(*, actor, phase: Phase, reason: str = "") -> None:
    """Remove a phase and what it switched on; the components and their content stay."""
    require_role(actor, phase.jurisdiction, Role.ADMIN)
    with transaction.atomic(), jurisdiction_scope(phase.jurisdiction):
        record(
            jurisdiction=phase.jurisdiction,
            actor=actor,
            action="phase.delete",
            target=phase,
            reason=reason,
            data={"process": phase.process_id, "starts_at": phase.starts_at.isoformat()},
            public=True,
        )
        phase.delete()


def update_component(*, actor, component: ComponentInstance, title: str, is_published: bool) -> ComponentInstance:
    """Rename a component or switch it off (unpublished: hidden, its content kept)."""
    require_role(actor, component.jurisdiction, Role.ADMIN)
    before = {"title": component.title, "is_published": component.is_published}
    component.title, component.is_published = title, is_published
    with transaction.atomic(), jurisdiction_scope(component.jurisdiction):
        component.full_clean()
        component.save(update_fields=["title", "is_published"])
        record(
            jurisdiction=component.jurisdiction,
            actor=actor,
            action="component.update",
            target=component,
            data={"before": before, "after": {"title": title, "is_published": is_published}},
            public=True,
        )
    return component


@dataclass(frozen=True)
class StepSetting:
    """One cell of a process's phase × component grid."""

    phase: Phase
    component: ComponentInstance
    enabled: bool
    actions: tuple[str, ...] = ()


def set_component_steps(*, actor, process: Process, steps: list[StepSetting]) -> int:
    """Save the whole phase × component grid at once: all cells or none. Returns cells changed."""
    require_role(actor, process.jurisdiction, Role.ADMIN)
    for step in steps:
        if step.phase.process_id != process.pk or step.component.process_id != process.pk:
            raise ValidationError(_("The component and the phase belong to different processes."))
    with transaction.atomic(), jurisdiction_scope(process.jurisdiction):
        existing = {
            (s.phase_id, s.component_id): s
            for s in ComponentStep.objects.with_scope(jurisdiction=process.jurisdiction).filter(phase__process=process)
        }
        changed = 0
        for step in steps:
            current = existing.get((step.phase.pk, step.component.pk))
            wanted = sorted(set(step.actions))
            if current is None and not step.enabled and not wanted:
                continue  # an empty cell stays empty rather than becoming a "disabled" row
            if current is not None and current.enabled == step.enabled and sorted(current.actions) == wanted:
                continue
            set_component_step(
                actor=actor, phase=step.phase, component=step.component, enabled=step.enabled, actions=wanted
            )
            changed += 1
    return changed
