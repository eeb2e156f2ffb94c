"""A result's milestones from a page: added, corrected (dates, done or not) and removed by officials, with history."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.accountability.models import ResultMilestone
from plaza.accountability.operations import add_result_milestone, remove_result_milestone, update_result_milestone
from plaza.accountability.tests.factories import ResultFactory
from plaza.core.models import AuditEntry, Role
from plaza.core.tests.factories import RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(paris):
    with scopes_disabled():
        return ResultFactory(jurisdiction=paris, title="New playground in Belleville")


def _pages(result):
    base = f"/paris/accountability/results/{result.pk}/milestones/"
    return base, base + "1/edit/", base + "1/remove/"


# Operations


def test_officials_add_correct_and_remove_a_results_milestones_with_history(result, official, unscoped):
    first = add_result_milestone(actor=official, result=result, title="Works tendered", due_date=date(2026, 3, 1))
    second = add_result_milestone(
        actor=official, result=result, title="Site cleared", due_date=date(2025, 1, 1), done_on=date(2025, 2, 1)
    )
    assert (first.position, second.position, second.done_on) == (1, 2, date(2025, 2, 1))
    update_result_milestone(
        actor=official,
        milestone=first,
        title="Works tendered",
        due_date=date(2026, 4, 1),
        done_on=date(2025, 12, 1),
        reason="Tender closed early",
    )
    first.refresh_from_db()
    assert (first.due_date, first.done_on) == (date(2026, 4, 1), date(2025, 12, 1))
    entry = AuditEntry.objects.get(action="result.milestone.edit")
    assert entry.is_public and entry.reason == "Tender closed early" and entry.target_id == str(result.pk)
    assert entry.data["changes"] == {
        "due_date": {"before": "2026-03-01", "after": "2026-04-01"},
        "done_on": {"before": None, "after": "2025-12-01"},
    }
    remove_result_milestone(actor=official, milestone=first, reason="Merged into the next one")
    assert list(ResultMilestone.objects.values_list("position", flat=True)) == [2]
    removed = AuditEntry.objects.get(action="result.milestone.remove")
    assert removed.data["title"] == "Works tendered" and removed.reason == "Merged into the next one"
    third = add_result_milestone(actor=official, result=result, title="Opened", due_date=date(2026, 9, 1))
    assert third.position == 3  # numbers are never reused: old links and history stay right


def test_bad_milestone_input_is_refused_and_nothing_is_written(result, official, unscoped):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        add_result_milestone(actor=official, result=result, title="  ", due_date=date(2026, 3, 1))
    assert "title" in refused.value.message_dict
    with pytest.raises(ValidationError, match="date still to come"):
        add_result_milestone(actor=official, result=result, title="Works", due_date=date(2026, 3, 1), done_on=tomorrow)
    milestone = add_result_milestone(actor=official, result=result, title="Works", due_date=date(2026, 3, 1))
    with pytest.raises(ValidationError, match="date still to come"):
        update_result_milestone(
            actor=official, milestone=milestone, title="Works", due_date=date(2026, 3, 1), done_on=tomorrow
        )
    milestone.refresh_from_db()
    assert milestone.done_on is None
    assert not AuditEntry.objects.filter(action="result.milestone.edit").exists()
    assert ResultMilestone.objects.count() == 1


def test_only_this_jurisdictions_officials_touch_a_results_milestones(result, madrid, unscoped):
    stranger = UserFactory()
    RoleGrantFactory(jurisdiction=madrid, user=stranger, role=Role.OFFICIAL)
    for actor in (UserFactory(), stranger):
        with pytest.raises(PermissionDenied):
            add_result_milestone(actor=actor, result=result, title="Works", due_date=date(2026, 3, 1))
    official = UserFactory()
    RoleGrantFactory(jurisdiction=result.jurisdiction, user=official, role=Role.OFFICIAL)
    milestone = add_result_milestone(actor=official, result=result, title="Works", due_date=date(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        update_result_milestone(actor=stranger, milestone=milestone, title="X", due_date=date(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        remove_result_milestone(actor=stranger, milestone=milestone)
    assert ResultMilestone.objects.get().title == "Works"


# Pages


def test_official_manages_milestones_from_the_result_page(client, result, official):
    listing, edit, remove = _pages(result)
    client.force_login(official)
    assert listing in client.get(result.get_absolute_url()).content.decode()
    assert "No milestone yet." in client.get(listing).content.decode()
    response = client.post(listing, {"title": "Works tendered", "due_date": "2026-03-01"})
    assert response.status_code == 302 and response.url == listing
    assert "Edit milestone 1" in client.get(listing).content.decode()
    assert 'value="Works tendered"' in client.get(edit).content.decode()
    response = client.post(
        edit, {"title": "Works tendered", "due_date": "2026-03-01", "done_on": "2025-11-20", "reason": "Done"}
    )
    assert response.status_code == 302
    text = client.get(result.get_absolute_url()).content.decode()
    assert "Works tendered" in text and "done on" in text
    response = client.post(remove, {"removal-reason": "Duplicate"})
    assert response.status_code == 302 and response.url == listing
    with scopes_disabled():
        assert not ResultMilestone.objects.exists()
        actions = list(AuditEntry.objects.values_list("action", flat=True))
        assert {"result.milestone.add", "result.milestone.edit", "result.milestone.remove"} <= set(actions)
    assert client.get(edit).status_code == 404


def test_bad_milestone_answers_400_with_messages_and_writes_nothing(client, result, official):
    listing, edit, _remove = _pages(result)
    client.force_login(official)
    response = client.post(listing, {"title": "", "due_date": "soon"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in text and "Enter a valid date." in text
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(listing, {"title": "Works", "due_date": "2026-03-01", "done_on": future})
    assert response.status_code == 400 and "cannot be done on a date still to come" in response.content.decode()
    with scopes_disabled():
        assert not ResultMilestone.objects.exists()
        add_result_milestone(actor=official, result=result, title="Works", due_date=date(2026, 3, 1))
    response = client.post(edit, {"title": "Works", "due_date": ""})
    assert response.status_code == 400
    with scopes_disabled():
        assert ResultMilestone.objects.get().due_date == date(2026, 3, 1)
        assert not AuditEntry.objects.filter(action="result.milestone.edit").exists()


def test_milestone_pages_are_for_this_jurisdictions_officials(client, result, official, madrid):
    listing, edit, remove = _pages(result)
    with scopes_disabled():
        add_result_milestone(actor=official, result=result, title="Works", due_date=date(2026, 3, 1))
    assert client.get(listing).status_code == 302  # sign in first
    assert "Add, change or remove milestones" not in client.get(result.get_absolute_url()).content.decode()
    stranger = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=madrid, user=stranger, role=Role.OFFICIAL)
    client.force_login(stranger)
    assert client.post(listing, {"title": "X", "due_date": "2026-01-01"}).status_code == 403
    assert client.post(edit, {"title": "X", "due_date": "2026-01-01"}).status_code == 403
    assert client.post(remove, {}).status_code == 403
    client.force_login(official)
    assert client.get(f"/paris/accountability/results/{result.pk}/milestones/7/edit/").status_code == 404
    with scopes_disabled():
        assert ResultMilestone.objects.get().title == "Works"
