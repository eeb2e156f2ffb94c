"""The component registry: domain apps describe themselves to core with a manifest.

An app's `component.py` builds a `ComponentManifest` and calls `registry.register()`;
core discovers those modules at start-up and never imports a domain app itself.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


def resolve(path: str):
    """The object a manifest names as "module:attribute" (seeds, API routers, link targets)."""
    from django.utils.module_loading import import_string

    return import_string(path.replace(":", "."))


@dataclass(frozen=True)
class PermissionAction:
    """Something a resident or official may do in a component, switched by phases."""

    name: str
    label: str | Promise
    phase_action: str | None = None  # the PhaseAction that must be allowed in the active phase
    verification_level: int = 0  # minimum Verification.Level (0 = any signed-in account)


@dataclass(frozen=True)
class Export:
    """One bulk download: the public rows of a jurisdiction, with stable columns."""

    name: str
    label: str | Promise
    columns: tuple[str, ...]
    rows: Callable  # rows(jurisdiction) -> iterable of dicts keyed by `columns`, public data only


@dataclass(frozen=True)
class LinkTarget:
    """Content of this component that other content can be sent to (a votation deciding a proposal).

    `create` is "module:function"; `create(*, actor, source, component, note)` makes the target in
    `component` from `source` (any model instance of the same jurisdiction) and returns it. Core calls
    it inside the transaction that records the `ContentLink`, so a failure leaves nothing behind.
    """

    kind: str  # a ContentLink.Kind value: "decision", "result" or "candidate"
    label: str | Promise  # what the target is, for the "send to" form: "a binding votation"
    create: str


@dataclass(frozen=True)
class ComponentManifest:
    name: str
    label: str | Promise
    description: str | Promise = ""
    # The title the demo network gives an instance of this component
    demo_title: str | Promise = ""
    # A module path whose `urlpatterns` serve /<j>/processes/<p>/<component>/…
    process_urls: str | None = None
    # A module path whose `urlpatterns` serve /<j>/<name>/… (pages outside processes)
    jurisdiction_urls: str | None = None
    # A django-ninja Router mounted at /api/v1/<name>/ (a dotted path "module:attribute")
    api_router: str | None = None
    # Hot token-authenticated writes answered by plaza.core.api.lean before the middleware stack
    # ("module:attribute" names of LeanWrite objects; anything but a success falls through to the router)
    lean_api_writes: tuple[str, ...] = ()
    actions: tuple[PermissionAction, ...] = ()
    default_settings: dict[str, Any] = field(default_factory=dict)
    # search: model label ("app.model") -> builder(obj) returning plaza.core.search.SearchFields;
    # the component's operations call index_object/unindex_object when such rows change
    search: dict[str, Callable] = field(default_factory=dict)
    # Open-data bulk downloads at /<jurisdiction>/<name>/export/<export name>.csv|.json
    exports: tuple["Export", ...] = ()
    # stats(component) -> list of (label, number), shown on the process page
    stats: Callable | None = None
    # seeds(jurisdiction, process, component) -> None, used by the demo network loader ("module:function")
    seeds: str | None = None
    # seed_links(jurisdiction, process, component) -> None ("module:function"): run by the demo loader
    # after every app's seeds in every demo process, to link this component's demo content to another's
    # (budget winners tracked as results). Runs on every load, so it must be idempotent.
    seed_links: str | None = None
    # personal_data(user) -> dict for "download my data"; erase_personal_data(user) for "delete me"
    personal_data: Callable | None = None
    erase_personal_data: Callable | None = None
    # hide_blocked_content(*, actor, jurisdiction, user, reason) -> {"proposals": n, ...}: when a moderator blocks
    # an account (plaza/core/operations/moderation.py), the component hides what it wrote in the jurisdiction, in
    # the block's transaction, and says how many of each kind it hid (for the public audit entry)
    hide_blocked_content: Callable | None = None
    # show_unblocked_content(*, actor, jurisdiction, user, reason) -> {"proposals": n, ...}: when the moderator lifts
    # the block, the component shows again what its hide_blocked_content hid for that block (the block's `reason`;
    # what a moderator hid for another reason stays hidden), in the unblock's transaction, and says how many
    show_unblocked_content: Callable | None = None
    # What other content can be sent to in this component (see LinkTarget and plaza/core/operations/links.py)
    link_targets: tuple["LinkTarget", ...] = ()

    def export(self, name: str) -> Export | None:
        return next((e for e in self.exports if e.name == name), None)

    def link_target(self, kind: str) -> LinkTarget | None:
        return next((t for t in self.link_targets if t.kind == kind), None)

    def action(self, name: str) -> PermissionAction:
        for action in self.actions:
            if action.name == name:
                return action
        raise KeyError(f"{self.name} has no action {name!r}")


# Addresses under /<jurisdiction>/ that core serves itself: no component may take them.
RESERVED_NAMES = frozenset(
    {
        "manage",
        "processes",
        "audit",
        "export",
        "search",
        "sdg",
        "attachments",
        "jobs",
        "verify",
        "api",
        "catalog",
        "comments",
        "follow",
        "notifications",
        "account",
        "accounts",
        "static",
        "media",
    }
)


class ComponentRegistry:
    def __init__(self) -> None:
        self._manifests: dict[str, ComponentManifest] = {}

    def register(self, manifest: ComponentManifest) -> ComponentManifest:
        if manifest.name in RESERVED_NAMES or not manifest.name.replace("-", "").isalnum():
            raise ValueError(f"{manifest.name!r} cannot name a component: core serves that address, or it is no slug.")
        existing = self._manifests.get(manifest.name)
        if existing is not None and existing != manifest:
            raise ValueError(f"A component named {manifest.name!r} is already registered.")
        self._manifests[manifest.name] = manifest
        if manifest.search:
            from plaza.core.search import register_search_fields

            for model_label, builder in manifest.search.items():
                register_search_fields(model_label, builder)
        return manifest

    def unregister(self, name: str) -> None:
        self._manifests.pop(name, None)

    def get(self, name: str) -> ComponentManifest | None:
        return self._manifests.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._manifests

    def __iter__(self):
        return iter(sorted(self._manifests.values(), key=lambda m: m.name))

    def choices(self) -> list[tuple[str, str]]:
        return [(m.name, str(m.label)) for m in self]


registry = ComponentRegistry()
