"""Merging duplicates: people move to the original, the duplicate is closed with a link, both timelines say so."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from plaza.core.models import AuditEntry, Notification
from plaza.core.operations.notifications import followers
from plaza.reports import operations, stats
from plaza.reports.models import Report, Support
from plaza.reports.tests.factories import ReportFactory
from plaza.reports.tests.test_operations import submit


@pytest.fixture
def pair(component, pothole, resident, neighbour):
    original = submit(component, pothole, resident, description="Hole at the crossing")
    duplicate = submit(component, pothole, neighbour, description="Same hole, reported again")
    return original, duplicate


def test_a_merge_moves_people_and_closes_the_duplicate_with_a_link(
    pair, seoul, resident, neighbour, roads_official, committed
):
    from plaza.core.tests.factories import UserFactory

    original, duplicate = pair
    voice = UserFactory(public_name="Lee Seojun")
    operations.support_report(actor=voice, report=duplicate)
    with committed():
        operations.merge_duplicate(actor=roads_official, duplicate=duplicate, original=original, note="Same place.")
    with scopes_disabled():
        duplicate.refresh_from_db()
        original.refresh_from_db()
        assert (duplicate.status, duplicate.close_reason, duplicate.duplicate_of) == ("closed", "duplicate", original)
        assert set(followers(original)) == {resident, neighbour, voice}
        assert set(Support.objects.filter(report=original).values_list("user", flat=True)) == {neighbour.pk, voice.pk}
        assert original.supporters_count == 2
        assert [(u.kind, u.other_report_id) for u in duplicate.updates.all()][-1] == ("status", original.pk)
        assert [(u.kind, u.other_report_id) for u in original.updates.all()][-1] == ("merged", duplicate.pk)
        assert AuditEntry.objects.filter(action="report.merge", target_id=str(duplicate.pk), is_public=True).exists()
        assert Notification.objects.filter(recipient=resident, event="report.merged").exists()
        assert Notification.objects.filter(recipient=neighbour, event="report.status").exists()
        figures = stats.dashboard(seoul)
    assert figures["open"] == 1 and figures["totals"]["closed"] == 1


@pytest.mark.parametrize("case", ["itself", "closed", "chain", "elsewhere"])
def test_merges_that_make_no_sense_are_refused(pair, roads_official, seoul_admin, case):
    original, duplicate = pair
    with scopes_disabled():
        if case == "closed":
            Report.objects.filter(pk=duplicate.pk).update(status="fixed")
            duplicate.refresh_from_db()
        if case == "chain":
            third = ReportFactory(category=original.category, component=original.component)
            operations.merge_duplicate(actor=seoul_admin, duplicate=original, original=third)
        if case == "elsewhere":
            from plaza.reports.tests.factories import CategoryFactory

            original = ReportFactory(category=CategoryFactory(department="Roads"))
    target = duplicate if case == "itself" else original
    with pytest.raises(ValidationError) as refused:
        operations.merge_duplicate(actor=roads_official, duplicate=duplicate, original=target)
    assert "original" in refused.value.message_dict
    with scopes_disabled():
        assert Report.objects.get(pk=duplicate.pk).duplicate_of_id is None


def test_only_the_department_merges(pair, cleaning_official):
    with pytest.raises(PermissionDenied):
        operations.merge_duplicate(actor=cleaning_official, duplicate=pair[1], original=pair[0])


def test_the_reporter_of_a_duplicate_may_reopen_it_and_the_link_goes(pair, neighbour, roads_official):
    original, duplicate = pair
    operations.merge_duplicate(actor=roads_official, duplicate=duplicate, original=original)
    operations.reopen_report(actor=neighbour, report=duplicate, reason="It is another hole, 50 m further.")
    with scopes_disabled():
        duplicate.refresh_from_db()
    assert duplicate.status == "open" and duplicate.duplicate_of is None


def test_merging_from_the_report_page(client, pair, roads_official):
    original, duplicate = pair
    client.force_login(roads_official)
    page = client.get(duplicate.get_absolute_url()).content.decode()
    assert "Merge into another report" in page
    response = client.post(f"/seoul/reports/{duplicate.pk}/merge/", {"merge-original": "99999"})
    assert response.status_code == 400 and "There is no report #99999 here." in response.content.decode()
    response = client.post(f"/seoul/reports/{duplicate.pk}/merge/", {"merge-original": original.pk})
    assert response.status_code == 302
    client.logout()
    page = client.get(duplicate.get_absolute_url()).content.decode()
    assert f'Closed as a duplicate of <a href="/seoul/reports/{original.pk}/">report #{original.pk}</a>' in page
    page = client.get(original.get_absolute_url()).content.decode()
    assert f"Report #{duplicate.pk}</a> was merged into this one" in page


def test_the_rebuilt_figures_count_a_merge_like_the_live_ones(pair, seoul, roads_official):
    from plaza.reports.tests.test_dashboard import _table

    operations.merge_duplicate(actor=roads_official, duplicate=pair[1], original=pair[0])
    counted = _table(seoul)
    with scopes_disabled():
        stats.rebuild_daily_stats(seoul)
    assert _table(seoul) == counted
