"""Reading content links: what became of a piece of content, where it came from, and where it can be sent."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from plaza.core.components import LinkTarget, registry
from plaza.core.content import is_public_content
from plaza.core.models import ComponentInstance, ContentLink, Jurisdiction, Role
from plaza.core.permissions import has_role


@dataclass(frozen=True)
class LinkedItem:
    link: ContentLink
    other: models.Model  # the content at the other end of the link

    @property
    def url(self) -> str:
        return self.other.get_absolute_url() if hasattr(self.other, "get_absolute_url") else ""


def _resolve(jurisdiction_id: int, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], models.Model]:
    """(content type id, object id) -> object of the jurisdiction, one query per content type."""
    by_type: dict[int, list[int]] = defaultdict(list)
    for type_id, object_id in pairs:
        by_type[type_id].append(object_id)
    found = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        manager = model._default_manager
        if hasattr(manager, "with_scope"):
            queryset = manager.with_scope(jurisdiction=jurisdiction_id)
        else:
            queryset = manager.filter(jurisdiction_id=jurisdiction_id)
        for obj in queryset.filter(pk__in=ids):
            found[(type_id, obj.pk)] = obj
    return found


def _visible(user, jurisdiction: Jurisdiction, obj: models.Model) -> bool:
    return is_public_content(obj) or has_role(user, jurisdiction, Role.ADMIN, Role.OFFICIAL, Role.MODERATOR)


def links_of(obj: models.Model, *, user=None, direction: str = "from", kind: str | None = None) -> list[LinkedItem]:
    """Links leaving `obj` ("from": what became of it) or arriving at it ("to": where it came from).

    Content the user may not see (a draft votation, a private dataset) is left out.
    """
    content_type = ContentType.objects.get_for_model(obj)
    links = ContentLink.objects.with_scope(jurisdiction=obj.jurisdiction_id)
    if direction == "from":
        links = links.filter(source_type=content_type, source_id=obj.pk)
    else:
        links = links.filter(target_type=content_type, target_id=obj.pk)
    if kind:
        links = links.filter(kind=kind)
    rows = list(links.select_related("jurisdiction"))
    if not rows:
        return []
    other_key = (
        (lambda link: (link.target_type_id, link.target_id))
        if direction == "from"
        else (lambda link: (link.source_type_id, link.source_id))
    )
    others = _resolve(obj.jurisdiction_id, [other_key(link) for link in rows])
    items = []
    for link in rows:
        other = others.get(other_key(link))
        if other is not None and _visible(user, link.jurisdiction, other):
            items.append(LinkedItem(link=link, other=other))
    return items


def send_targets(jurisdiction: Jurisdiction, kind: str) -> list[tuple[ComponentInstance, LinkTarget]]:
    """Component instances of the jurisdiction that can receive content by a link of `kind`."""
    instances = (
        ComponentInstance.objects.with_scope(jurisdiction=jurisdiction)
        .select_related("process")
        .order_by("process__title", "position", "id")
    )
    found = []
    for instance in instances:
        manifest = instance.manifest
        target = manifest.link_target(kind) if manifest is not None else None
        if target is not None:
            found.append((instance, target))
    return found


def receiving_kinds(jurisdiction: Jurisdiction) -> set[str]:
    """The kinds of link some component of the jurisdiction can receive (one query, whatever the kinds)."""
    names = set(ComponentInstance.objects.with_scope(jurisdiction=jurisdiction).values_list("manifest_name", flat=True))
    kinds = set()
    for name in names:
        manifest = registry.get(name)
        if manifest is not None:
            kinds.update(target.kind for target in manifest.link_targets)
    return kinds
