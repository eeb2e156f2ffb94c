"""Setting up processes: phases, components switched on, and what each phase allows."""

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
        overlapping = process.phases.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).first()
        if overlapping is not None:
            raise ValidationError(
                {"starts_at": _("This phase overlaps the phase “%(title)s”.") % {"title": overlapping.title}}
            )
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
