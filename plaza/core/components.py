"""The component registry: domain apps describe themselves to core with a manifest.

An app's `component.py` builds a `ComponentManifest` and calls `registry.register()`;
core discovers those modules at start-up and never imports a domain app itself.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class PermissionAction:
    """Something a resident or official may do in a component, switched by phases."""

    name: str
    label: str | Promise
    phase_action: str | None = None  # the PhaseAction that must be allowed in the active phase
    verification_level: int = 0  # minimum Verification.Level (0 = any signed-in account)


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
    actions: tuple[PermissionAction, ...] = ()
    default_settings: dict[str, Any] = field(default_factory=dict)
    # search(jurisdiction, query, user) -> iterable of SearchHit
    search: Callable | None = None
    # exports: name -> callable(jurisdiction) returning rows (list of dicts)
    exports: dict[str, Callable] = field(default_factory=dict)
    # stats(component) -> dict of label -> number, shown on the process page
    stats: Callable | None = None
    # seeds(jurisdiction, process, component) -> None, used by the demo network loader ("module:function")
    seeds: str | None = None
    # personal_data(user) -> dict for "download my data"; erase_personal_data(user) for "delete me"
    personal_data: Callable | None = None
    erase_personal_data: Callable | None = None

    def action(self, name: str) -> PermissionAction:
        for action in self.actions:
            if action.name == name:
                return action
        raise KeyError(f"{self.name} has no action {name!r}")


class ComponentRegistry:
    def __init__(self) -> None:
        self._manifests: dict[str, ComponentManifest] = {}

    def register(self, manifest: ComponentManifest) -> ComponentManifest:
        existing = self._manifests.get(manifest.name)
        if existing is not None and existing != manifest:
            raise ValueError(f"A component named {manifest.name!r} is already registered.")
        self._manifests[manifest.name] = manifest
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
