"""Linking content across components: a proposal sent to a votation, a winner tracked by a result.

Components never import each other. A component that can *receive* content declares a
`LinkTarget` in its manifest (votes: "a binding votation" for kind "decision"; accountability:
"a tracked result" for kind "result"). Another component's page offers "send to …" for the
instances that declare one (`queries.links.send_targets`), and core's `send_to` creates the target
through the receiving component and records the link, in one transaction. `link_content` links two
objects that both exist already (a proposal taken up in an existing commitment).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.core.audit import record
from plaza.core.components import resolve
from plaza.core.content import jurisdiction_of
from plaza.core.models import ComponentInstance, ContentLink, Role
from plaza.core.operations.notifications import notify, register_event
from plaza.core.permissions import require_role
from plaza.core.tenancy import jurisdiction_scope

register_event("content.linked", gettext_lazy("What became of “%(target)s”: there is news."))

MAX_NOTE = 2000


def _check_kind(kind: str) -> None:
    if kind not in ContentLink.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of link.")}, code="invalid")


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("Keep the note under %(limit)d characters.") % {"limit": MAX_NOTE}}, code="max_length"
        )
    return note


def link_content(*, actor, kind: str, source: models.Model, target: models.Model, note: str = "") -> ContentLink:
    """Record that `source` led to `target` (both already exist, in the same jurisdiction)."""
    _check_kind(kind)
    jurisdiction = jurisdiction_of(source)
    if jurisdiction_of(target).pk != jurisdiction.pk:
        raise ValidationError(_("Content of another jurisdiction cannot be linked."), code="other_jurisdiction")
    require_role(actor, jurisdiction, Role.ADMIN, Role.OFFICIAL)
    note = _check_note(note)
    source_type = ContentType.objects.get_for_model(source)
    target_type = ContentType.objects.get_for_model(target)
    if source_type == target_type and source.pk == target.pk:
        raise ValidationError(_("Content cannot be linked to itself."), code="itself")
    try:
        with transaction.atomic(), jurisdiction_scope(jurisdiction):
            link = ContentLink.objects.create(
                jurisdiction=jurisdiction,
                kind=kind,
                source_type=source_type,
                source_id=source.pk,
                target_type=target_type,
                target_id=target.pk,
                note=note,
                created_by=actor,
            )
            record(
                jurisdiction=jurisdiction,
                actor=actor,
                action="content.link",
                target=source,
                data={"kind": kind, "target": f"{target_type.app_label}.{target_type.model}:{target.pk}"},
                public=True,
            )
    except IntegrityError as duplicate:
        raise ValidationError(_("These two are already linked."), code="duplicate") from duplicate
    transaction.on_commit(lambda: notify(jurisdiction=jurisdiction, event="content.linked", target=source, actor=actor))
    return link


def send_to(*, actor, source: models.Model, component: ComponentInstance, kind: str, note: str = "") -> ContentLink:
    """Make new content in `component` from `source` (e.g. a votation from a proposal) and link the two."""
    _check_kind(kind)
    jurisdiction = jurisdiction_of(source)
    if component.jurisdiction_id != jurisdiction.pk:
        raise ValidationError(_("Content of another jurisdiction cannot be linked."), code="other_jurisdiction")
    require_role(actor, jurisdiction, Role.ADMIN, Role.OFFICIAL)
    manifest = component.manifest
    target_spec = manifest.link_target(kind) if manifest is not None else None
    if target_spec is None:
        raise ValidationError(
            {"component": _("“%(component)s” cannot receive this.") % {"component": component.title}}, code="invalid"
        )
    note = _check_note(note)
    create = resolve(target_spec.create)
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        target = create(actor=actor, source=source, component=component, note=note)
        return link_content(actor=actor, kind=kind, source=source, target=target, note=note)


def remove_link(*, actor, link: ContentLink) -> None:
    """Undo a link made by mistake (the target itself stays); audited in public."""
    jurisdiction = link.jurisdiction
    require_role(actor, jurisdiction, Role.ADMIN)
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="content.unlink",
            target=link.source,
            data={
                "kind": link.kind,
                "target": f"{link.target_type.app_label}.{link.target_type.model}:{link.target_id}",
            },
            public=True,
        )
        link.delete()
