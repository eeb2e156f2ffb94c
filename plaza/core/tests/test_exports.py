"""Bulk downloads: core's and components' public rows as CSV and JSON, never another jurisdiction's or drafts."""

import csv
import io
import json

import pytest

from plaza.core.audit import record
from plaza.core.components import registry
from plaza.core.tests.factories import ComponentFactory, PhaseFactory, ProcessFactory
from plaza.pages.operations import write_page

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_processes_export_lists_published_processes_only(client, paris, madrid, unscoped):
    ProcessFactory(jurisdiction=paris, slug="climate", title="=cmd|' /C calc'!A0")
    ProcessFactory(jurisdiction=paris, slug="draft", is_published=False)
    ProcessFactory(jurisdiction=madrid, slug="decide")
    response = client.get("/paris/export/processes.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="paris-processes.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert [r["slug"] for r in rows] == ["climate"]
    assert rows[0]["title"].startswith("'=")  # a spreadsheet shows it as text, never runs it
    body = json.loads(client.get("/paris/export/processes.json").content)
    assert body["licence"] == "CC-BY-4.0" and [r["slug"] for r in body["rows"]] == ["climate"]


def test_phases_and_public_record_exports(client, paris, paris_admin, unscoped):
    PhaseFactory(process=ProcessFactory(jurisdiction=paris, slug="climate"), title="Ideas")
    record(jurisdiction=paris, actor=paris_admin, action="secret.thing", reason="internal")
    record(jurisdiction=paris, actor=paris_admin, action="process.publish", reason="ready", public=True)
    assert [r["title"] for r in read_csv(client.get("/paris/export/phases.csv"))] == ["Ideas"]
    actions = [r["action"] for r in read_csv(client.get("/paris/export/public-record.csv"))]
    assert "process.publish" in actions and "secret.thing" not in actions


def test_component_export_and_search_come_from_the_manifest(client, paris, paris_admin, unscoped):
    manifest = registry.get("page")
    assert manifest.export("pages") is not None and "pages.page" in manifest.search
    component = ComponentFactory(
        process=ProcessFactory(jurisdiction=paris, slug="climate"), slug="about", title="About the plan"
    )
    write_page(actor=paris_admin, component=component, body="Carbon neutrality by 2050.")
    rows = read_csv(client.get("/paris/page/export/pages.csv"))
    assert [(r["component"], r["body"]) for r in rows] == [("about", "Carbon neutrality by 2050.")]
    page = client.get("/paris/search/?q=neutrality").content.decode()
    assert "About the plan" in page
    assert "4 words" in client.get("/paris/processes/climate/").content.decode()


def test_unknown_exports_and_formats_are_404(client, paris):
    assert client.get("/paris/export/processes.xml").status_code == 404
    assert client.get("/paris/export/nothing.csv").status_code == 404
    assert client.get("/paris/nothing/export/pages.csv").status_code == 404


def test_export_index_links_every_download(client, paris):
    page = client.get("/paris/export/").content.decode()
    for link in ("/paris/export/processes.csv", "/paris/export/public-record.json", "/paris/page/export/pages.csv"):
        assert f'href="{link}"' in page
