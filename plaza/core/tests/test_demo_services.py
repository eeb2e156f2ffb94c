"""The demo network uses the shared services: coordinates, SDG tags and searchable processes."""

from io import StringIO

import pytest
from django.core.management import call_command

from plaza.core.models import Jurisdiction, SDGTag
from plaza.core.queries.search import search_network
from plaza.core.tenancy import across_jurisdictions

pytestmark = pytest.mark.django_db


def test_demo_cities_have_coordinates_tags_and_search(client):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    paris = Jurisdiction.objects.get(slug="paris")
    assert (paris.latitude, paris.longitude) == (48.8566, 2.3522)
    with across_jurisdictions():
        # Components' seeds tag their own content too; this test is about the processes.
        process_tags = SDGTag.objects.filter(content_type__app_label="core", content_type__model="process")
        tags = sorted((t.jurisdiction.slug, t.goal.number) for t in process_tags.select_related("jurisdiction"))
    assert tags == [("paris", 13), ("seoul", 11)]
    assert "Paris Climate Action Plan" in client.get("/paris/sdg/13/").content.decode()
    assert "Choose the next open datasets" in client.get("/seoul/sdg/11/").content.decode()
    found = [d.title for d in search_network("climate plan")]
    assert {"Paris Climate Action Plan", "About this process"} <= set(found)  # ranking differs by database
    assert "Paris Climate Action Plan" in client.get("/paris/search/?q=votation").content.decode()
    assert "Johannesburg" in client.get("/gauteng/").content.decode()
