"""The demo loader's `seed_links` hook runs after every app's seeds, in every demo process, on every load."""

import pytest

from plaza.core import demo
from plaza.core.components import ComponentManifest, ComponentRegistry

pytestmark = pytest.mark.django_db

CALLS: list[tuple[str, str]] = []


def seed(jurisdiction, process, component) -> None:
    CALLS.append(("seed", component.manifest_name))


def link(jurisdiction, process, component) -> None:
    # What it links to was seeded by a manifest sorted after it: the hook must come after every seed.
    CALLS.append(("link", f"{jurisdiction.slug}:{process.slug}"))


def test_seed_links_run_after_every_seed_and_again_on_the_next_load(monkeypatch):
    registry = ComponentRegistry()
    registry.register(
        ComponentManifest(name="aa-linker", label="Linker", seeds=f"{__name__}:seed", seed_links=f"{__name__}:link")
    )
    registry.register(ComponentManifest(name="zz-content", label="Content", seeds=f"{__name__}:seed"))
    monkeypatch.setattr(demo, "registry", registry)
    CALLS.clear()
    demo.load_demo_network()
    processes = sum(1 for spec in demo.NETWORK if spec.process)
    kinds = [kind for kind, _name in CALLS]
    assert kinds == ["seed"] * (2 * processes) + ["link"] * processes
    assert ("link", "paris:climate-plan") in CALLS
    CALLS.clear()
    demo.load_demo_network()  # the seeds ran once; the links hook runs again (it must be idempotent)
    assert [kind for kind, _name in CALLS] == ["link"] * processes
