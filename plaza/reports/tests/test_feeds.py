"""RSS and Atom per area, and the downloads: public fields only."""

import json
import xml.etree.ElementTree as ET  # noqa: S405 - our own feed

from django_scopes import scopes_disabled

from plaza.reports.tests.factories import AreaFactory, ReportFactory, box

ATOM = "{http://www.w3.org/2005/Atom}"


def _reports(component, pothole, jung_gu, resident):
    with scopes_disabled():
        gangnam = AreaFactory(
            jurisdiction=jung_gu.jurisdiction, name="Gangnam-gu", geometry=box(127, 37.4, 127.1, 37.5)
        )
        inside = ReportFactory(
            category=pothole,
            component=component,
            area=jung_gu,
            description="Hole in Jung-gu",
            reporter=resident,
            is_anonymous=True,
        )
        outside = ReportFactory(category=pothole, component=component, area=gangnam, description="Hole in Gangnam")
    return inside, outside, gangnam


def test_the_rss_feed_of_an_area(client, component, pothole, jung_gu, resident):
    inside, _outside, _gangnam = _reports(component, pothole, jung_gu, resident)
    response = client.get(f"/seoul/reports/areas/{jung_gu.pk}/feed.rss")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314
    assert channel.findtext("title") == "Civic reports in Jung-gu, Seoul"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [f"#{inside.pk} Pothole (Open)"]
    assert items[0].findtext("link").endswith(inside.get_absolute_url())
    assert "Kim Minji" not in response.content.decode()  # anonymous towards the public


def test_the_atom_feed_of_the_whole_jurisdiction(client, component, pothole, jung_gu, resident):
    _reports(component, pothole, jung_gu, resident)
    response = client.get("/seoul/reports/feed.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314
    titles = sorted(e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry"))
    assert len(titles) == 2 and all(t.endswith("Pothole (Open)") for t in titles)
    assert all(e.find(f"{ATOM}updated") is not None for e in feed.findall(f"{ATOM}entry"))


def test_an_area_of_another_jurisdiction_has_no_feed_here(client, component, pothole, jung_gu):
    from plaza.core.tests.factories import JurisdictionFactory

    JurisdictionFactory(slug="busan", name="Busan")
    assert client.get(f"/busan/reports/areas/{jung_gu.pk}/feed.rss").status_code == 404
    assert client.get("/seoul/reports/areas/99999/feed.atom").status_code == 404


def test_the_list_links_its_feeds(client, component, pothole, jung_gu, resident):
    page = client.get("/seoul/reports/").content.decode()
    assert 'type="application/atom+xml"' in page and f"/seoul/reports/areas/{jung_gu.pk}/feed.rss" in page


def test_the_json_download_has_no_personal_data(client, component, pothole, jung_gu, resident):
    inside, _outside, _gangnam = _reports(component, pothole, jung_gu, resident)
    with scopes_disabled():
        inside.reporter_email = "minji@example.org"
        inside.save()
    response = client.get("/seoul/reports/export/reports.json")
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    rows = json.loads(text)
    rows = rows if isinstance(rows, list) else next(v for v in rows.values() if isinstance(v, list))
    assert {r["description"] for r in rows} == {"Hole in Jung-gu", "Hole in Gangnam"}
    assert "minji@example.org" not in text and "Kim Minji" not in text and "reporter" not in rows[0]
