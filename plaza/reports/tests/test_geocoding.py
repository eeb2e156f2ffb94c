"""Typed addresses in reporting: geocoded on submit, routed by their point, a question when several places match."""

import re

from django_scopes import scopes_disabled

from plaza.core.tests.factories import GazetteerEntryFactory
from plaza.reports.models import Report


def report_with(client, location, **extra):
    data = {"category": "pothole", "location": location, "description": "Deep hole", **extra}
    return client.post("/seoul/reports/new/", data)


def choices(page: str) -> dict[str, str]:
    """The radio list the page asks with: {label: value}."""
    found = re.findall(r'<input type="radio" name="location_choice" value="([^"]+)"[^>]*>\s*([^<]+)</label>', page)
    return {label.strip(): value for value, label in found}


def test_a_typed_address_becomes_the_point_that_routes_the_report(
    client, component, pothole, resident, gazetteer, jung_gu
):
    client.force_login(resident)
    response = report_with(client, "sejong daero 110")
    assert response.status_code == 302
    with scopes_disabled():
        report = Report.objects.get()
    assert (report.latitude, report.longitude) == (37.5663, 126.9779)
    assert report.address == "Sejong-daero 110, Jung-gu, Seoul" and report.area == jung_gu
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Sejong-daero 110, Jung-gu, Seoul" in page and "37.5663, 126.9779" in page


def test_several_places_the_page_asks_which_one_without_javascript(client, component, pothole, resident, gazetteer):
    client.force_login(resident)
    response = report_with(client, "Supyo-ro 1")
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert "Several places match “Supyo-ro 1”: choose one below." in page
    offered = choices(page)
    assert set(offered) == {"Supyo-ro 1, Jongno-gu, Seoul", "Supyo-ro 1, Jung-gu, Seoul"}
    with scopes_disabled():
        assert not Report.objects.exists()
    response = report_with(client, "Supyo-ro 1", location_choice=offered["Supyo-ro 1, Jung-gu, Seoul"])
    assert response.status_code == 302
    with scopes_disabled():
        report = Report.objects.get()
    assert (report.latitude, report.longitude, report.address) == (37.5640, 126.9900, "Supyo-ro 1, Jung-gu, Seoul")


def test_a_choice_is_bound_to_its_text_and_cannot_be_forged(client, component, pothole, resident, gazetteer):
    client.force_login(resident)
    offered = choices(report_with(client, "Supyo-ro 1").content.decode())
    # The same choice sent with another text is no answer to it: that text is looked up on its own.
    response = report_with(client, "Sejong-daero 110", location_choice=offered["Supyo-ro 1, Jung-gu, Seoul"])
    assert response.status_code == 302
    genuine = offered["Supyo-ro 1, Jung-gu, Seoul"]
    forged = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    assert report_with(client, "Supyo-ro 1", location_choice=forged).status_code == 400
    with scopes_disabled():
        assert Report.objects.get().address == "Sejong-daero 110, Jung-gu, Seoul"


def test_an_unknown_address_keeps_the_text_and_offers_the_map(client, component, pothole, resident, gazetteer):
    client.force_login(resident)
    response = report_with(client, "Nowhere-ro 99")
    page = response.content.decode()
    assert response.status_code == 400
    assert "We could not find “Nowhere-ro 99”. Check it, give coordinates or pick the place on the map." in page
    assert 'value="Nowhere-ro 99"' in page
    with scopes_disabled():
        assert not Report.objects.exists()


def test_an_unknown_house_number_offers_the_known_ones(client, component, pothole, resident, gazetteer):
    client.force_login(resident)
    page = report_with(client, "Sejong-daero 112").content.decode()
    assert "There is no number 112 on Sejong-daero that we know of. Is it one of these?" in page
    assert list(choices(page)) == ["Sejong-daero 110, Jung-gu, Seoul"]


def test_a_misspelt_street_is_offered_as_a_question_and_taken_once_chosen(
    client, component, pothole, resident, gazetteer, jung_gu
):
    client.force_login(resident)
    response = report_with(client, "Sejong-dearo 110")
    page = response.content.decode()
    assert response.status_code == 400 and "Did you mean one of these?" in page
    offered = choices(page)
    assert list(offered) == ["Sejong-daero 110, Jung-gu, Seoul"]  # one guess: still asked, never assumed
    with scopes_disabled():
        assert not Report.objects.exists()
    assert (
        report_with(client, "Sejong-dearo 110", location_choice=offered["Sejong-daero 110, Jung-gu, Seoul"]).status_code
        == 302
    )
    with scopes_disabled():
        report = Report.objects.get()
    assert (report.latitude, report.address, report.area) == (37.5663, "Sejong-daero 110, Jung-gu, Seoul", jung_gu)


def test_a_number_between_two_known_ones_is_offered_as_an_estimate(client, component, pothole, resident, gazetteer):
    with scopes_disabled():
        GazetteerEntryFactory(
            jurisdiction=component.jurisdiction,
            street="Sejong-daero",
            number="120",
            district="Jung-gu",
            city="Seoul",
            latitude=37.5673,
            longitude=126.9779,
        )
    client.force_login(resident)
    page = report_with(client, "Sejong-daero 116").content.decode()
    assert "The first place below is an estimate between two known numbers." in page
    estimate = "Sejong-daero 116, Jung-gu, Seoul (approximate: between numbers 110 and 120)"
    offered = choices(page)
    assert list(offered) == [estimate, "Sejong-daero 120, Jung-gu, Seoul", "Sejong-daero 110, Jung-gu, Seoul"]
    assert report_with(client, "Sejong-daero 116", location_choice=offered[estimate]).status_code == 302
    with scopes_disabled():
        report = Report.objects.get()
    assert (report.latitude, report.longitude, report.address) == (37.5669, 126.9779, estimate)


def test_a_geocoded_address_outside_every_area_is_refused(client, component, pothole, resident, gazetteer, jung_gu):
    client.force_login(resident)
    response = report_with(client, "Gangnam-daero 396")
    assert response.status_code == 400 and "outside every area" in response.content.decode()


def test_without_a_gazetteer_an_address_is_kept_as_text(client, component, pothole, resident):
    client.force_login(resident)
    assert report_with(client, "Behind the market").status_code == 302
    with scopes_disabled():
        report = Report.objects.get()
    assert (report.address, report.latitude) == ("Behind the market", None)


def test_the_nearby_check_geocodes_and_asks_too(client, component, pothole, resident, gazetteer):
    from plaza.reports.tests.factories import ReportFactory

    with scopes_disabled():
        ReportFactory(
            category=pothole, component=component, description="Near city hall", latitude=37.5664, longitude=126.9780
        )
    page = client.get("/seoul/reports/new/", {"category": "pothole", "location": "Sejong-daero 110"}).content.decode()
    assert "Near city hall" in page
    response = client.get("/seoul/reports/new/", {"category": "pothole", "location": "Supyo-ro 1"})
    offered = choices(response.content.decode())
    assert response.status_code == 400 and len(offered) == 2
    chosen = offered["Supyo-ro 1, Jongno-gu, Seoul"]
    page = client.get(
        "/seoul/reports/new/", {"category": "pothole", "location": "Supyo-ro 1", "location_choice": chosen}
    ).content.decode()
    assert "No open report of this kind within 200 metres" in page
    # The report form below carries the choice, so sending it needs no second question.
    assert f'type="hidden" name="location_choice" value="{chosen}"' in page


def test_a_picked_point_shows_the_nearest_known_address(client, component, pothole, resident, gazetteer):
    client.force_login(resident)
    response = report_with(client, "37.5664, 126.9780")
    page = client.get(response["Location"]).content.decode()
    assert "Nearest known address" in page and "Sejong-daero 110, Jung-gu, Seoul (about 14 m away)" in page


def test_every_address_of_seouls_demo_gazetteer_routes_to_one_of_its_demo_districts():
    import csv

    from plaza.core.demo import GAZETTEER_DIR
    from plaza.core.geo import Point, point_in_polygon
    from plaza.reports.seeds import SEOUL_AREAS

    with (GAZETTEER_DIR / "seoul.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            point = Point(float(row["LAT"]), float(row["LON"]))
            assert any(point_in_polygon(point, geometry) for _n, _c, geometry in SEOUL_AREAS), row


def test_the_json_api_and_open311_locate_an_address_that_means_one_place(
    client, component, pothole, resident, gazetteer, jung_gu
):
    from plaza.core.models import ApiToken
    from plaza.core.tests.factories import ApiTokenFactory

    token = ApiTokenFactory(user=resident, scope=ApiToken.Scope.WRITE)
    body = {"category": "pothole", "description": "Hole", "address": "sejong-daero 110"}
    response = client.post(
        "/api/v1/reports/seoul/reports",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.secret}",
    )
    assert response.status_code == 201
    assert (response.json()["latitude"], response.json()["area"]) == (37.5663, "Jung-gu")
    posted = {"api_key": token.secret, "service_code": "pothole", "description": "Hole"}
    created = client.post("/seoul/open311/v2/requests.json", {**posted, "address_string": "Sejong-daero 110"})
    ambiguous = client.post("/seoul/open311/v2/requests.json", {**posted, "address_string": "Supyo-ro 1"})
    with scopes_disabled():
        one = Report.objects.get(pk=created.json()[0]["service_request_id"])
        two = Report.objects.get(pk=ambiguous.json()[0]["service_request_id"])
    assert (one.latitude, one.address, one.area) == (37.5663, "Sejong-daero 110, Jung-gu, Seoul", jung_gu)
    # A client cannot be asked which place it means: the text is kept, without a point.
    assert (two.latitude, two.address) == (None, "Supyo-ro 1")
