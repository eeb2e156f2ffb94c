"""Pages and data: the page forms for plans, commitments and milestones; the overview chart; the Atom feed."""

from datetime import date
from xml.etree import ElementTree  # our own feed, in a test: trusted input

import pytest
from django_scopes import scopes_disabled

from plaza.accountability.models import ActionPlan, Commitment, Milestone
from plaza.accountability.operations import post_progress_update
from plaza.accountability.tests.factories import MilestoneFactory
from plaza.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_admin_starts_a_plan_from_the_page_with_errors_next_to_the_fields(client, paris, paris_admin, official):
    url = "/paris/accountability/plans/new/"
    assert client.get(url).status_code == 302
    client.force_login(official)
    assert client.get(url).status_code == 403
    client.force_login(paris_admin)
    assert "Start a new action plan" in client.get("/paris/accountability/").content.decode()
    bad = client.post(url, {"title": "Plan", "slug": "2026", "period_start": "2026-01-01", "period_end": "2025-01-01"})
    assert bad.status_code == 400 and "The period must end after it starts" in bad.content.decode()
    ok = client.post(url, {"title": "Plan", "slug": "2026", "period_start": "2026-01-01", "period_end": "2027-12-31"})
    assert ok.status_code == 302 and ok["Location"] == "/paris/accountability/plans/2026/"
    with scopes_disabled():
        assert ActionPlan.objects.get(slug="2026").status == "co_creation"


def test_official_writes_a_commitment_and_a_milestone_from_the_pages(client, plan, official):
    client.force_login(official)
    assert "Add a commitment" in client.get(plan.get_absolute_url()).content.decode()
    values = {
        "title": "Open contracting",
        "problem": "Tenders are opaque.",
        "description": "Publish OCDS.",
        "contribution": "Anyone can follow a tender.",
        "ogp_values": ["access_to_information", "public_accountability"],
        "policy_areas": "Open contracting\nProcurement",
        "lead_institution": "Procurement office",
        "sdg_targets": "16.6",
        "start_date": "2025-03-01",
        "end_date": "2029-01-01",
    }
    bad = client.post("/paris/accountability/plans/climate/commitments/new/", values)
    assert bad.status_code == 400 and "within the plan" in bad.content.decode()
    ok = client.post("/paris/accountability/plans/climate/commitments/new/", {**values, "end_date": "2026-12-01"})
    assert ok.status_code == 302
    with scopes_disabled():
        created = Commitment.objects.get(title="Open contracting")
        assert created.policy_areas == ["Open contracting", "Procurement"]
    url = f"/paris/accountability/plans/climate/commitments/{created.number}/milestones/new/"
    assert client.post(url, {"deliverable": "OCDS feed", "due_date": "2030-01-01"}).status_code == 400
    assert client.post(url, {"deliverable": "OCDS feed", "due_date": "2026-01-01"}).status_code == 302
    with scopes_disabled():
        assert Milestone.objects.get(commitment=created).due_date == date(2026, 1, 1)
    client.force_login(UserFactory())
    assert client.post(url, {"deliverable": "x", "due_date": "2026-01-01"}).status_code == 403


def test_plan_page_has_a_chart_and_the_same_figures_in_a_table(client, milestone, official, partner):
    with scopes_disabled():
        post_progress_update(
            actor=official, milestone=milestone, side="government", status="substantial", percentage=60, narrative="x"
        )
        post_progress_update(
            actor=partner, milestone=milestone, side="civil_society", status="limited", percentage=20, narrative="y"
        )
    text = client.get("/paris/accountability/plans/climate/").content.decode()
    assert "Progress overview" in text and "Completion by commitment" in text
    assert "<td>60%</td><td>20%</td>" in text
    assert 'type="application/atom+xml"' in text


def test_commitment_page_has_a_milestone_timeline(client, milestone, official):
    with scopes_disabled():
        MilestoneFactory(
            commitment=milestone.commitment, position=2, deliverable="Earlier one", due_date=date(2025, 6, 1)
        )
    text = client.get(milestone.commitment.get_absolute_url()).content.decode()
    timeline = text[text.index('aria-label="Milestone timeline"') :]
    assert timeline.index("Earlier one") < timeline.index("Renovations dataset")


def test_atom_feed_of_progress_updates(client, milestone, official, partner, madrid):
    with scopes_disabled():
        post_progress_update(
            actor=official,
            milestone=milestone,
            side="government",
            status="substantial",
            percentage=60,
            narrative="Half",
        )
        post_progress_update(
            actor=partner, milestone=milestone, side="civil_society", status="limited", percentage=20, narrative="Less"
        )
    for url in ("/paris/accountability/feed/progress.atom", "/paris/accountability/plans/climate/feed/progress.atom"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
        feed = ElementTree.fromstring(response.content)  # noqa: S314
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == 2
        assert "Civil society" in entries[0].find(f"{ATOM}title").text
        assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "Sam Watchdog (Alternatiba)"
        assert entries[0].find(f"{ATOM}link").get("href").endswith("/commitments/1/#milestone-1")
    madrid_feed = ElementTree.fromstring(client.get("/madrid/accountability/feed/progress.atom").content)  # noqa: S314
    assert madrid_feed.findall(f"{ATOM}entry") == []
    assert client.get("/paris/accountability/plans/nope/feed/progress.atom").status_code == 404
