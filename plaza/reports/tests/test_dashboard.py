"""The responsiveness dashboard: figures moved by each change, rebuilt from timelines alike, read without scanning."""

from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.reports import operations, stats
from plaza.reports.models import DailyStat, OpenCount, Report
from plaza.reports.tests.factories import AreaFactory, box
from plaza.reports.tests.test_operations import SEOUL_CITY_HALL, submit


@contextmanager
def freeze_time(moment):
    """Operations and auto_now fields read django.utils.timezone.now: pin it."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _figures(jurisdiction):
    with scopes_disabled():
        return stats.dashboard(jurisdiction)


def _table(jurisdiction):
    with scopes_disabled():
        days = sorted(
            tuple(row) for row in DailyStat.objects.values_list("day", "category_id", "area_id", *stats.COUNTERS)
        )
        opens = sorted(OpenCount.objects.filter(open__gt=0).values_list("category_id", "area_id", "open"))
    return days, opens


@pytest.fixture
def history(component, pothole, dumping, jung_gu, resident, roads_official, cleaning_official):
    """Three reports over a week: one acknowledged late and fixed in time, one closed in time, one still open."""
    start = timezone.now() - timedelta(days=7)
    with freeze_time(start):
        late = submit(component, pothole, resident)  # pothole: 24 h to acknowledge, 168 h to fix
        closed = submit(component, dumping, resident)
    with freeze_time(start + timedelta(hours=10)):
        operations.change_status(
            actor=cleaning_official, report=closed, status="closed", close_reason="not_responsible"
        )
    with freeze_time(start + timedelta(hours=30)):
        operations.change_status(actor=roads_official, report=late, status="acknowledged")
    with freeze_time(start + timedelta(hours=100)):
        operations.change_status(actor=roads_official, report=late, status="fixed")
    still_open = submit(component, pothole, resident)
    return late, closed, still_open


def test_each_change_moves_the_figures(seoul, pothole, dumping, history):
    figures = _figures(seoul)
    assert figures["open"] == 1
    totals = figures["totals"]
    assert (totals["reported"], totals["acknowledged"], totals["fixed"], totals["closed"]) == (3, 2, 1, 1)
    assert totals["hours_to_fix"] == 100.0
    by_code = {row["code"]: row for row in figures["by_category"]}
    assert by_code["pothole"]["acknowledged_late"] == 1 and by_code["pothole"]["hours_to_acknowledge"] == 30.0
    assert by_code["pothole"]["fixed_on_time"] == 100 and by_code["pothole"]["breaches"] == 1
    assert by_code["pothole"]["open"] == 1 and by_code["dumping"]["open"] == 0
    assert by_code["dumping"]["breaches"] == 0  # closing within 24 h acknowledges it in time
    assert [row["name"] for row in figures["by_area"]] == ["Jung-gu"]


def test_reopening_counts_and_a_report_waits_again(seoul, history, resident):
    late = history[0]
    operations.reopen_report(actor=resident, report=late, reason="The hole is back.")
    figures = _figures(seoul)
    assert figures["open"] == 2 and figures["totals"]["reopened"] == 1


def test_the_rebuild_from_timelines_gives_the_same_figures(seoul, history, resident):
    operations.reopen_report(actor=resident, report=history[0], reason="The hole is back.")
    counted = _table(seoul)
    with scopes_disabled():
        assert stats.rebuild_daily_stats(seoul) == 3
    assert _table(seoul) == counted


def test_days_are_the_jurisdictions_own(component, pothole, resident, seoul):
    # 20:00 UTC is already the next day in Seoul (UTC+9).
    with freeze_time("2026-03-01 20:00:00+00:00"):
        submit(component, pothole, resident)
    with scopes_disabled():
        assert str(DailyStat.objects.get().day) == "2026-03-02"


def test_the_public_dashboard_reads_only_the_aggregates(client, seoul, history, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(14):
        response = client.get("/seoul/reports/dashboard/")
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if '"reports_report"' in q["sql"]]
    page = response.content.decode()
    assert "How fast the city answers" in page and "Jung-gu" in page
    assert "1 breach" in page  # the pothole acknowledged late
    assert 'role="img"' in page and "<caption>" in page
    assert "By department" not in page and "Overdue now" not in page


def test_the_dashboard_per_week(client, history):
    response = client.get("/seoul/reports/dashboard/", {"period": "week"})
    assert response.status_code == 200 and "Reports made and resolved per period" in response.content.decode()


def test_the_mayors_view_adds_departments_and_overdue_reports(client, seoul, history, seoul_admin):
    with scopes_disabled():  # make the open pothole older than its promise to acknowledge
        Report.objects.filter(pk=history[2].pk).update(created_at=timezone.now() - timedelta(hours=30))
    client.force_login(seoul_admin)
    page = client.get("/seoul/reports/manage/dashboard/").content.decode()
    assert "By department" in page and "Roads" in page and "Cleaning" in page
    assert f"#{history[2].pk} Pothole" in page and "not acknowledged in time" in page


def test_the_mayors_view_is_for_staff(client, history, resident):
    client.force_login(resident)
    assert client.get("/seoul/reports/manage/dashboard/").status_code == 403


def test_a_jurisdictions_figures_are_its_own(client, history, component):
    from plaza.core.tests.factories import JurisdictionFactory

    JurisdictionFactory(slug="busan", name="Busan")
    page = client.get("/busan/reports/dashboard/").content.decode()
    assert "Jung-gu" not in page


def test_a_report_anywhere_without_area_counts_outside_any_area(client, component, pothole, resident):
    submit(component, pothole, resident, point=SEOUL_CITY_HALL)
    assert "Outside any area" in client.get("/seoul/reports/dashboard/").content.decode()


def test_the_rebuild_job_repairs_drifted_figures(seoul, history):
    from plaza.core.jobs import enqueue

    counted = _table(seoul)
    with scopes_disabled():
        DailyStat.objects.all().delete()
    with scopes_disabled():
        job = enqueue(jurisdiction=seoul, kind="reports.rebuild_stats")
        from plaza.core.jobs import run_job

        done = run_job(job.pk)
    assert done.status == "succeeded" and done.result == {"reports": 3}
    assert _table(seoul) == counted


def test_the_figures_are_cached_until_the_next_change(client, seoul, history, resident, django_assert_max_num_queries):
    client.get("/seoul/reports/dashboard/")
    with CaptureQueriesContext(connection) as cached:
        client.get("/seoul/reports/dashboard/")
    assert not [q for q in cached.captured_queries if "reports_dailystat" in q["sql"]]
    operations.reopen_report(actor=resident, report=history[0], reason="The hole is back.")
    assert _figures(seoul)["totals"]["reopened"] == 1  # the change forgot the cached figures


def test_the_figures_are_read_in_one_scan_of_the_daily_rows(client, seoul, history):
    from django.core.cache import cache

    client.get("/seoul/reports/dashboard/")  # per-process caches (templates, content types) warm
    cache.clear()  # the figures are not: this is the read after a change
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/seoul/reports/dashboard/")
    assert response.status_code == 200
    daily = [q for q in queries.captured_queries if '"reports_dailystat"' in q["sql"]]
    # the window's rows grouped once; the list page's summary is its own small read
    assert len([q for q in daily if "GROUP BY" in q["sql"]]) == 1
    assert len(queries) == DASHBOARD_QUERIES


# jurisdiction, the daily rows grouped once, categories, areas, open counts by category and by area (it was 9: four
# GROUP BYs over the same daily rows)
DASHBOARD_QUERIES = 6


def test_each_days_figures_are_one_row_per_category_and_area_with_or_without_an_area(
    component, pothole, resident, seoul
):
    def figures():
        with scopes_disabled():
            days = DailyStat.objects.filter(jurisdiction=seoul)
            opens = OpenCount.objects.filter(jurisdiction=seoul)
            return {d.area_id: d.reported for d in days}, {o.area_id: (o.open, o.total) for o in opens}

    submit(component, pothole, resident)
    submit(component, pothole, resident)  # no areas yet: routed nowhere, counted on the row without an area
    assert figures() == ({None: 2}, {None: (2, 2)})

    with scopes_disabled():
        area = AreaFactory(jurisdiction=seoul, name="Jung-gu", geometry=box(126.96, 37.55, 127.02, 37.57))
    submit(component, pothole, resident)
    submit(component, pothole, resident)
    assert figures() == ({area.pk: 2, None: 2}, {area.pk: (2, 2), None: (2, 2)})
