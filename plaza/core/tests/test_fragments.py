"""Kept pieces of pages (core/fragments.py): rendered once per version, language and vary; a change retires them."""

import pytest
from django.db import transaction
from django.utils import translation

from plaza.core import fragments

pytestmark = pytest.mark.django_db


def _counting():
    calls = []

    def render() -> str:
        calls.append(1)
        return f"<p>piece {len(calls)} in {translation.get_language()}</p>"

    return calls, render


def test_a_piece_is_rendered_once_per_language_and_vary_and_again_after_a_change():
    calls, render = _counting()
    first = fragments.cached("t", "p", (1,), render)
    assert first.startswith("<p>piece 1 in ") and first == fragments.cached("t", "p", (1,), render)
    assert len(calls) == 1
    fragments.cached("t", "p", (2,), render)
    with translation.override("fr"):
        assert "in fr" in fragments.cached("t", "p", (1,), render)
    assert len(calls) == 3
    fragments.cached("other-topic", "p", (1,), render)
    assert len(calls) == 4
    fragments.changed("t")
    assert fragments.cached("t", "p", (1,), render) != first and len(calls) == 5
    fragments.cached("other-topic", "p", (1,), render)
    assert len(calls) == 5  # another topic's pieces stay


def test_a_change_in_a_transaction_bumps_at_once_and_once_more_at_commit(django_capture_on_commit_callbacks):
    before = fragments.version("t")
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        fragments.changed("t")
        during = fragments.version("t")
        fragments.changed("t")
        fragments.changed("t")
    assert during != before
    assert len(callbacks) == 1  # many changes, one bump waiting for the commit
    callbacks[0]()
    assert fragments.version("t") not in (before, during)


def test_a_rolled_back_change_leaves_the_next_one_its_own_commit_bump(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                fragments.changed("t")
                raise RuntimeError
        except RuntimeError:
            pass
        fragments.changed("t")
    assert len(callbacks) == 1


def test_a_kept_value_is_loaded_once_each_caller_gets_a_copy_and_a_failed_load_keeps_nothing():
    loads = []

    def load() -> dict:
        loads.append(1)
        return {"rows": [1, 2]}

    first = fragments.kept("t", "v", (1,), load)
    first["rows"].append(3)  # a caller changing its copy
    assert fragments.kept("t", "v", (1,), load) == {"rows": [1, 2]} and len(loads) == 1
    fragments.changed("t")
    fragments.kept("t", "v", (1,), load)
    assert len(loads) == 2

    def missing():
        raise LookupError

    with pytest.raises(LookupError):
        fragments.kept("t", "absent", (1,), missing)
    with pytest.raises(LookupError):
        fragments.kept("t", "absent", (1,), missing)  # tried again: the failure was not kept


def test_the_process_page_is_kept_until_its_process_phases_steps_or_components_change(
    django_assert_num_queries, unscoped
):
    from plaza.core.models import Process
    from plaza.core.queries.processes import process_page
    from plaza.core.tests.factories import ComponentFactory, ComponentStepFactory, PhaseFactory

    step = ComponentStepFactory()
    process, jurisdiction = step.phase.process, step.phase.jurisdiction
    first = process_page(jurisdiction, process.slug)
    assert [c.pk for c in first.components.all()] == [step.component.pk]
    with django_assert_num_queries(0):
        again = process_page(jurisdiction, process.slug)
        assert [p.pk for p in again.phases.all()] == [step.phase.pk]
        assert [s.pk for s in again.phases.all()[0].steps.all()] == [step.pk]
    assert again is not first

    def seen(**kwargs):
        return process_page(jurisdiction, process.slug, **kwargs)

    PhaseFactory(process=process, jurisdiction=jurisdiction, position=9, title="Later")
    assert "Later" in [p.title for p in seen().phases.all()]
    other = ComponentFactory(process=process, jurisdiction=jurisdiction, is_published=True)
    assert other.pk in [c.pk for c in seen().components.all()]
    other.title = "Renamed"
    other.save()
    assert "Renamed" in [c.title for c in seen().components.all()]
    step.actions = ["comment", "vote"]
    step.save()
    phase = next(p for p in seen().phases.all() if p.pk == step.phase.pk)
    assert [s.actions for s in phase.steps.all()] == [["comment", "vote"]]
    process.is_published = False
    process.save()
    with pytest.raises(Process.DoesNotExist):
        seen()
    assert seen(include_unpublished=True).pk == process.pk
    jurisdiction.name = "Renamed city"
    jurisdiction.save()
    assert seen(include_unpublished=True).jurisdiction.name == "Renamed city"


def test_pieces_are_kept_by_what_they_show_per_language():
    rendered = []

    def render(item: dict) -> str:
        rendered.append(item["id"])
        return f"<li>{item['title']} in {translation.get_language()}</li>"

    def parts(item: dict) -> tuple:
        return (item["id"], item["title"])

    items = [{"id": 1, "title": "Trees"}, {"id": 2, "title": "Benches"}]
    first = fragments.pieces("cards", items, parts, render)
    assert [str(p) for p in first] == ["<li>Trees in en</li>", "<li>Benches in en</li>"] and rendered == [1, 2]
    assert fragments.pieces("cards", items, parts, render) == first and rendered == [1, 2]
    items[1]["title"] = "More benches"  # what it shows changed: another piece, the other one stays
    assert str(fragments.pieces("cards", items, parts, render)[1]) == "<li>More benches in en</li>"
    assert rendered == [1, 2, 2]
    with translation.override("fr"):
        fragments.pieces("cards", items, parts, render)
    assert rendered == [1, 2, 2, 1, 2]


def test_pieces_kept_by_other_code_are_never_served(monkeypatch):
    calls, render = _counting()
    fragments.cached("t", "p", (1,), render)
    fragments.pieces("p", [1], lambda item: (item,), lambda item: render())
    assert len(calls) == 2
    monkeypatch.setattr(fragments, "build", lambda: "another deploy")
    fragments.cached("t", "p", (1,), render)
    fragments.pieces("p", [1], lambda item: (item,), lambda item: render())
    assert len(calls) == 4


class _CountingCache:
    """The cache, counting its round trips."""

    def __init__(self, cache):
        self.cache, self.trips = cache, 0

    def __getattr__(self, name):
        found = getattr(self.cache, name)
        if not callable(found):
            return found

        def counted(*args, **kwargs):
            self.trips += 1
            return found(*args, **kwargs)

        return counted


@pytest.fixture
def counting(monkeypatch):
    counted = _CountingCache(fragments.cache)
    monkeypatch.setattr(fragments, "cache", counted)
    yield counted
    fragments.forget_request_versions()


def _loader(name: str):
    loads = []

    def load() -> dict:
        loads.append(1)
        return {"name": name, "loads": len(loads)}

    return loads, load


def test_a_request_reads_every_topics_version_once_and_kept_values_from_memory(counting):
    cities, cities_load = _loader("cities")
    roles, roles_load = _loader("roles")
    fragments.request_versions()  # Django's request_started
    fragments.kept("req-a", "v", (1,), cities_load)
    fragments.kept("req-b", "v", (1,), roles_load)
    fragments.forget_request_versions()

    fragments.request_versions()  # the next request
    counting.trips = 0
    assert fragments.kept("req-a", "v", (1,), cities_load) == {"name": "cities", "loads": 1}
    assert counting.trips == 1  # every known topic's version in one round trip
    assert fragments.kept("req-b", "v", (1,), roles_load) == {"name": "roles", "loads": 1}
    assert fragments.kept("req-a", "v", (1,), cities_load)["loads"] == 1
    assert counting.trips == 1  # the rest from this process's memory
    assert len(cities) == len(roles) == 1


def test_a_request_sees_its_own_changes_at_once_and_others_from_its_next_request(counting):
    loads, load = _loader("cities")
    fragments.request_versions()
    fragments.kept("req-c", "v", (1,), load)
    fragments.changed("req-c")  # this request's own change
    assert fragments.kept("req-c", "v", (1,), load)["loads"] == 2
    fragments.forget_request_versions()

    fragments.request_versions()
    fragments.kept("req-c", "v", (1,), load)
    fragments.cache.set(fragments._version_key("req-c"), "changed-by-another-process", None)
    assert fragments.kept("req-c", "v", (1,), load)["loads"] == 2  # the versions the request began with
    fragments.forget_request_versions()
    fragments.request_versions()
    assert fragments.kept("req-c", "v", (1,), load)["loads"] == 3


def test_a_shared_value_is_one_object_in_a_process_other_values_are_copies(counting):
    _loads, load = _loader("areas")
    fragments.request_versions()
    first = fragments.kept("req-d", "shared", (1,), load, shared=True)
    assert fragments.kept("req-d", "shared", (1,), load, shared=True) is first
    copy = fragments.kept("req-d", "copied", (1,), load)
    assert fragments.kept("req-d", "copied", (1,), load) == copy
    assert fragments.kept("req-d", "copied", (1,), load) is not copy
