"""The report pages through HTTP: list, reporting with the nearby check, a report, the inbox, set-up, exports."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from plaza.reports import views
from plaza.reports.models import Area, Category, Report, Support
from plaza.reports.stats import rebuild_daily_stats
from plaza.reports.tests.factories import ReportFactory, box


def test_the_list_shows_reports_and_costs_few_queries(client, component, pothole, django_assert_max_num_queries):
    with scopes_disabled():
        for n in range(12):
            ReportFactory(category=pothole, component=component, description=f"Hole {n}")
        rebuild_daily_stats(component.jurisdiction)  # factories write rows only; the count comes from the figures
    with django_assert_max_num_queries(14):
        response = client.get("/seoul/reports/")
    assert response.status_code == 200
    assert "Hole 11" in response.content.decode() and "12 reports" in response.content.decode()


def test_the_list_filters_by_status(client, component, pothole):
    with scopes_disabled():
        ReportFactory(category=pothole, component=component, description="Still open")
        ReportFactory(category=pothole, component=component, description="Done", status="fixed")
    page = client.get("/seoul/reports/", {"status": "fixed"}).content.decode()
    assert "Done" in page and "Still open" not in page


def test_checking_nearby_lists_open_reports_of_the_category_within_200_metres(client, component, pothole, dumping):
    with scopes_disabled():
        ReportFactory(
            category=pothole, component=component, description="Right here", latitude=37.5666, longitude=126.9781
        )
        ReportFactory(
            category=pothole, component=component, description="Far away", latitude=37.5700, longitude=126.9780
        )
        ReportFactory(
            category=dumping, component=component, description="Other kind", latitude=37.5665, longitude=126.978
        )
        ReportFactory(category=pothole, component=component, description="Already fixed", status="fixed")
    page = client.get("/seoul/reports/new/", {"category": "pothole", "location": "37.5665, 126.9780"}).content.decode()
    assert "Right here" in page
    assert "Far away" not in page and "Other kind" not in page and "Already fixed" not in page
    assert "m away" in page


def test_the_reporting_page_starts_without_errors(client, component, pothole):
    response = client.get("/seoul/reports/new/", {"lang": "en"})
    assert response.status_code == 200 and "There is a problem" not in response.content.decode()


def test_a_bad_location_in_the_check_is_shown_next_to_the_field(client, component, pothole):
    response = client.get("/seoul/reports/new/", {"category": "pothole", "location": "95, 200"})
    assert response.status_code == 400
    assert "latitude is a number between -90 and 90" in response.content.decode()


def test_reporting_without_javascript_with_typed_coordinates(client, component, pothole, resident):
    client.force_login(resident)
    response = client.post(
        "/seoul/reports/new/",
        {"category": "pothole", "location": "37.5665, 126.9780", "description": "Deep hole", "is_anonymous": "on"},
    )
    with scopes_disabled():
        report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Deep hole" in page and "Anonymous resident" in page and "Kim Minji" not in page


def test_reporting_with_an_address_and_a_photo(client, component, pothole, resident, settings, tmp_path):
    from plaza.reports.tests.test_operations import jpeg_with_gps

    settings.MEDIA_ROOT = tmp_path
    client.force_login(resident)
    response = client.post(
        "/seoul/reports/new/",
        {"category": "pothole", "location": "Sejong-daero 110", "description": "Hole", "photos": [jpeg_with_gps()]},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Sejong-daero 110" in page and "Kim Minji" in page and "<img" in page


def test_a_refused_report_answers_400_with_messages_and_writes_nothing(client, component, pothole, resident, jung_gu):
    client.force_login(resident)
    fake = SimpleUploadedFile("x.png", b"nope", content_type="image/png")
    response = client.post(
        "/seoul/reports/new/",
        {"category": "pothole", "location": "37.4979, 127.0276", "description": "", "photos": [fake]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "This field is required." in page
    response = client.post(
        "/seoul/reports/new/", {"category": "pothole", "location": "37.4979, 127.0276", "description": "Hole"}
    )
    assert response.status_code == 400 and "outside every area" in response.content.decode()
    with scopes_disabled():
        assert not Report.objects.exists()


def test_visitors_without_an_account_must_give_an_e_mail_address(client, component, pothole):
    response = client.post(
        "/seoul/reports/new/", {"category": "pothole", "location": "37.5, 126.9", "description": "x"}
    )
    assert response.status_code == 400 and "Your e-mail address" in response.content.decode()
    with scopes_disabled():
        assert not Report.objects.exists()


def test_me_too_from_the_report_page(client, component, pothole, neighbour):
    with scopes_disabled():
        report = ReportFactory(category=pothole, component=component)
    client.force_login(neighbour)
    assert client.post(f"/seoul/reports/{report.pk}/support/").status_code == 302
    client.post(f"/seoul/reports/{report.pk}/support/")
    with scopes_disabled():
        assert Support.objects.filter(report=report).count() == 1
    assert "You added your voice" in client.get(report.get_absolute_url()).content.decode()


def test_staff_change_status_and_the_public_timeline_shows_it(client, component, pothole, roads_official):
    with scopes_disabled():
        report = ReportFactory(category=pothole, component=component)
    client.force_login(roads_official)
    assert "Handle this report" in client.get(report.get_absolute_url()).content.decode()
    response = client.post(
        f"/seoul/reports/{report.pk}/status/", {"status-status": "acknowledged", "status-note": "We are on it."}
    )
    assert response.status_code == 302
    client.post(f"/seoul/reports/{report.pk}/note/", {"note-body": "Bring the big truck", "note-is_public": ""})
    client.logout()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Status: Acknowledged." in page and "We are on it." in page
    assert "Bring the big truck" not in page and "Handle this report" not in page


def test_a_refused_status_change_answers_400(client, component, pothole, roads_official):
    with scopes_disabled():
        report = ReportFactory(category=pothole, component=component)
    client.force_login(roads_official)
    response = client.post(f"/seoul/reports/{report.pk}/status/", {"status-status": "closed"})
    assert response.status_code == 400 and "Say why the report is closed." in response.content.decode()


def test_outsiders_cannot_post_staff_changes(client, component, pothole, cleaning_official):
    with scopes_disabled():
        report = ReportFactory(category=pothole, component=component)
    client.force_login(cleaning_official)
    assert client.post(f"/seoul/reports/{report.pk}/status/", {"status-status": "acknowledged"}).status_code == 403
    with scopes_disabled():
        assert Report.objects.get(pk=report.pk).status == "open"


def test_the_reporter_reopens_from_the_page(client, component, pothole, resident):
    with scopes_disabled():
        report = ReportFactory(category=pothole, component=component, reporter=resident, status="fixed")
    client.force_login(resident)
    response = client.post(f"/seoul/reports/{report.pk}/reopen/", {"reopen-reason": "The hole is back."})
    assert response.status_code == 302
    assert "Reopened by the reporter." in client.get(report.get_absolute_url()).content.decode()


def test_the_inbox_lists_only_the_officials_department(
    client, component, pothole, dumping, roads_official, django_assert_max_num_queries
):
    with scopes_disabled():
        ReportFactory(category=pothole, component=component, description="Road hole")
        ReportFactory(category=dumping, component=component, description="Old sofa")
    client.force_login(roads_official)
    with django_assert_max_num_queries(14):
        page = client.get("/seoul/reports/manage/").content.decode()
    assert "Pothole" in page and "Illegal dumping" not in page


def test_residents_have_no_inbox(client, seoul, resident):
    client.force_login(resident)
    assert client.get("/seoul/reports/manage/").status_code == 403


def test_admins_add_categories_templates_and_areas(client, seoul, seoul_admin):
    client.force_login(seoul_admin)
    response = client.post(
        "/seoul/reports/manage/categories/",
        {
            "form": "category",
            "code": "pothole",
            "name": "Pothole",
            "department": "Roads",
            "acknowledge_hours": "24",
            "fix_hours": "168",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/seoul/reports/manage/categories/",
        {"form": "template", "category": "pothole", "title": "Scheduled", "body": "A crew comes soon."},
    )
    assert response.status_code == 302
    assert "Scheduled" in client.get("/seoul/reports/manage/categories/").content.decode()
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Jung-gu"}, "geometry": box(126.96, 37.55, 127.02, 37.57)}
        ],
    }
    upload = SimpleUploadedFile("areas.geojson", json.dumps(geojson).encode(), content_type="application/geo+json")
    assert client.post("/seoul/reports/manage/areas/", {"geojson": upload}).status_code == 302
    with scopes_disabled():
        assert Category.objects.get().department == "Roads" and Area.objects.get().name == "Jung-gu"
    bad = SimpleUploadedFile("areas.geojson", b'{"type": "Point"}')
    response = client.post("/seoul/reports/manage/areas/", {"geojson": bad})
    assert response.status_code == 400 and "FeatureCollection" in response.content.decode()


def test_residents_cannot_open_the_set_up_pages(client, seoul, resident):
    client.force_login(resident)
    assert client.get("/seoul/reports/manage/categories/").status_code == 403
    assert client.get("/seoul/reports/manage/areas/").status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_export_has_public_fields_only(client, component, pothole, resident, fmt):
    with scopes_disabled():
        ReportFactory(category=pothole, component=component, reporter=resident, description="Hole by the bank")
    body = (
        b"".join(client.get(f"/seoul/reports/export/reports.{fmt}").streaming_content)
        if fmt == "csv"
        else (client.get(f"/seoul/reports/export/reports.{fmt}").content)
    )
    text = body.decode()
    assert "Hole by the bank" in text and "pothole" in text
    assert resident.email not in text and "Kim Minji" not in text


def test_the_process_component_leads_to_the_reports(client, component):
    response = client.get(f"/seoul/processes/{component.process.slug}/{component.slug}/")
    assert response.status_code == 302 and response["Location"] == "/seoul/reports/"


def test_reports_are_found_by_search(client, component, pothole, resident):
    from plaza.core.geo import Point
    from plaza.reports.operations import submit_report

    submit_report(
        actor=resident,
        component=component,
        category=pothole,
        description="Crumbling kerb at Namsan",
        point=Point(37.55, 126.99),
    )
    assert "Crumbling kerb" in client.get("/seoul/search/", {"q": "namsan"}).content.decode()


def test_the_list_counts_from_the_figures_and_still_counts_other_statuses(client, component, pothole, resident):
    from plaza.reports.tests.test_operations import submit

    submit(component, pothole, resident, description="Counted by the figures")
    with scopes_disabled():
        ReportFactory(category=pothole, component=component, description="Fixed long ago", status="fixed")
    assert "1 report" in client.get("/seoul/reports/", {"status": "open"}).content.decode()
    assert "1 report" in client.get("/seoul/reports/", {"status": "fixed"}).content.decode()  # a real COUNT


def test_reports_missing_from_the_figures_are_still_listed(client, component, pothole):
    with scopes_disabled():  # written straight to the table: the figures do not know it
        ReportFactory(category=pothole, component=component, description="Imported without figures")
    assert "Imported without figures" in client.get("/seoul/reports/").content.decode()


# jurisdiction, the page's reports (category and area resolved in subqueries), their count from the open counts
# (or, for a status they do not count, a count capped at LIST_COUNT_CAP), categories and areas (the filters); the
# reports component and the figures come from the cache once warm
LIST_QUERIES = 5


@pytest.mark.parametrize("query", ["", "?status=open&category=pothole&area=Jung-gu", "?status=fixed&area=Jung-gu"])
def test_the_list_costs_the_same_statements_whatever_the_filter_and_the_number(
    client, component, pothole, jung_gu, query
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (3, 30):
        with scopes_disabled():
            for i in range(n):
                ReportFactory(category=pothole, component=component, area=jung_gu, status="open" if i % 2 else "fixed")
            rebuild_daily_stats(component.jurisdiction)
        client.get(f"/seoul/reports/{query}")  # warms the figures' cache, as under load
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/seoul/reports/{query}")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [LIST_QUERIES, LIST_QUERIES]
    joined = [q["sql"] for q in queries.captured_queries if 'FROM "reports_report"' in q["sql"]]
    listed = [sql for sql in joined if "LIMIT 50" in sql]
    assert len(listed) == 1 and '"reports_category"."code" =' not in listed[0]  # by id (a subquery), not a join
    assert '"reports_area"."name" =' not in listed[0]
    counted = [sql for sql in joined if "COUNT(*)" in sql]  # a status the figures do not count: a capped count
    assert all(f"LIMIT {views.LIST_COUNT_CAP + 1}" in sql for sql in counted)
    assert len(counted) == ("status=fixed" in query)


def test_a_status_the_figures_do_not_count_is_counted_up_to_a_cap(client, component, pothole, monkeypatch):
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 3)
    with scopes_disabled():
        for n in range(5):
            ReportFactory(category=pothole, component=component, description=f"Fixed {n}", status="fixed")
    page = client.get("/seoul/reports/", {"status": "fixed"}).content.decode()
    assert "More than 3 reports: the newest are listed" in page and "Fixed 4" in page
    page = client.get("/seoul/reports/", {"status": "closed"}).content.decode()
    assert "0 reports" in page
