"""The SDG taxonomy: loaded once and idempotently, tagged content, and the goal pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from plaza.core.models import AuditEntry, SDGGoal, SDGTag, SDGTarget
from plaza.core.operations.sdg import set_sdg_tags
from plaza.core.queries.sdg import goals_with_counts, objects_tagged_with_goal
from plaza.core.sdg import load_sdg_taxonomy
from plaza.core.tests.factories import ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def taxonomy(db):
    load_sdg_taxonomy()  # the migration loads it; a transactional test elsewhere may have flushed it


def test_the_migration_loaded_17_goals_and_169_targets_in_three_languages():
    assert SDGGoal.objects.count() == 17
    assert SDGTarget.objects.count() == 169
    goal = SDGGoal.objects.get(number=11)
    assert goal.code == "11" and goal.colour == "#FD9D24"
    assert goal.short_title("en") == "Sustainable cities and communities"
    assert goal.short_title("es") == "Ciudades y comunidades sostenibles"
    assert goal.short_title("fr") == "Villes et communautés durables"
    assert goal.short_title("pt") == goal.short_title("en")  # no Portuguese in the source
    target = SDGTarget.objects.get(code="11.3")
    assert target.goal == goal and "aumentar la urbanización inclusiva" in target.title("es")
    assert [t.code for t in goal.targets.all()][-3:] == ["11.a", "11.b", "11.c"]
    with translation.override("fr"):
        assert str(goal) == "11. Villes et communautés durables"


def test_loading_again_changes_nothing():
    before = list(SDGTarget.objects.order_by("code").values_list("id", "code", "position", "goal_id"))
    assert load_sdg_taxonomy() == (0, 0)
    assert list(SDGTarget.objects.order_by("code").values_list("id", "code", "position", "goal_id")) == before
    SDGGoal.objects.filter(number=1).update(colour="#000000")
    assert load_sdg_taxonomy() == (1, 0)
    assert SDGGoal.objects.get(number=1).colour == "#E5243B"


def test_set_sdg_tags_replaces_tags_and_is_audited(paris, paris_admin, unscoped):
    process = ProcessFactory(jurisdiction=paris)
    set_sdg_tags(actor=paris_admin, content=process, goals=[13, 11], targets=["11.3"])
    tags = SDGTag.objects.filter(object_id=process.pk)
    # The target 11.3 stands for goal 11, so goal 11 is not tagged twice.
    assert sorted((t.goal.number, t.target and t.target.code) for t in tags) == [(11, "11.3"), (13, None)]
    set_sdg_tags(actor=paris_admin, content=process, goals=[5])
    assert [t.goal.number for t in SDGTag.objects.filter(object_id=process.pk)] == [5]
    assert AuditEntry.objects.filter(action="sdg.tag", target_id=str(process.pk)).count() == 2


def test_set_sdg_tags_refuses_unknown_goals_and_outsiders(paris, madrid_admin, paris_admin, unscoped):
    process = ProcessFactory(jurisdiction=paris)
    with pytest.raises(PermissionDenied):
        set_sdg_tags(actor=madrid_admin, content=process, goals=[13])
    with pytest.raises(PermissionDenied):
        set_sdg_tags(actor=UserFactory(), content=process, goals=[13])
    with pytest.raises(ValidationError) as refused:
        set_sdg_tags(actor=paris_admin, content=process, goals=[18], targets=["11.9"])
    assert "18" in str(refused.value)
    assert not SDGTag.objects.exists()


def test_objects_tagged_with_goal_only_public_content_of_the_jurisdiction(paris, madrid, paris_admin, unscoped):
    public = ProcessFactory(jurisdiction=paris, title="Climate plan")
    draft = ProcessFactory(jurisdiction=paris, title="Draft", is_published=False)
    elsewhere = ProcessFactory(jurisdiction=madrid, title="Madrid clima")
    for process in (public, draft):
        set_sdg_tags(actor=paris_admin, content=process, goals=[13])
    SDGTag.objects.create(jurisdiction=madrid, content=elsewhere, goal=SDGGoal.objects.get(number=13))
    assert objects_tagged_with_goal(paris, 13) == [public]
    assert objects_tagged_with_goal(paris, 11) == []
    counts = {c.goal.number: c.count for c in goals_with_counts(paris)}
    assert counts[13] == 1 and counts[11] == 0 and len(counts) == 17


def test_sdg_pages(client, paris, paris_admin, django_assert_max_num_queries, unscoped):
    for n in range(5):
        set_sdg_tags(actor=paris_admin, content=ProcessFactory(jurisdiction=paris, title=f"Plan {n}"), goals=[13])
    with django_assert_max_num_queries(6):
        index = client.get("/paris/sdg/")
    html = index.content.decode()
    assert "Goal 13: Climate action" in html and "5 items" in html and "0 items" in html
    with django_assert_max_num_queries(6):
        goal = client.get("/paris/sdg/13/")
    html = goal.content.decode()
    assert goal.status_code == 200 and "Plan 4" in html and "/paris/processes/" in html and "13.a" in html
    assert client.get("/paris/sdg/18/").status_code == 404


def test_sdg_page_in_spanish_and_portuguese(client, unscoped):
    from plaza.core.tests.factories import JurisdictionFactory

    JurisdictionFactory(slug="lisboa", languages=["pt", "es"], default_language="pt")
    assert "Climate action" in client.get("/lisboa/sdg/13/?lang=pt").content.decode()
    assert "Acción por el Clima" in client.get("/lisboa/sdg/13/?lang=es").content.decode()


def test_load_sdg_command_is_idempotent():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_sdg", stdout=out)
    assert "0 goals and 0 targets written" in out.getvalue()
