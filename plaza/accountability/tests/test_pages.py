"""HTTP pages: plans, a plan, a commitment, the timeline and the progress form; exports and search."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from plaza.accountability.models import ProgressUpdate
from plaza.accountability.operations import post_progress_update
from plaza.accountability.tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    ForumMeetingFactory,
    ForumMemberFactory,
    MilestoneFactory,
)
from plaza.core.models import Attachment
from plaza.core.search import index_object
from plaza.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PROGRESS_URL = "/paris/accountability/plans/climate/commitments/1/milestones/1/progress/"


def _post(actor, milestone, side="government", status="substantial", percentage=60, narrative="Half the data is out."):
    with scopes_disabled():
        return post_progress_update(
            actor=actor, milestone=milestone, side=side, status=status, percentage=percentage, narrative=narrative
        )


def test_plan_page_shows_forum_meetings_and_commitments_with_completion(
    client, milestone, official, partner, django_assert_max_num_queries
):
    plan = milestone.commitment.plan
    with scopes_disabled():
        ForumMemberFactory(plan=plan, name="Ana Ruiz", organisation="ACIJ", sector="civil_society")
        ForumMemberFactory(plan=plan, name="Luis Paz", organisation="Health", sector="government")
        for n in range(3):
            ForumMeetingFactory(plan=plan, title=f"Roundtable {n}", minutes="**Agreed** the draft")
            CommitmentFactory(plan=plan, number=n + 2)
    _post(official, milestone)
    _post(partner, milestone, side="civil_society", status="limited", percentage=20)
    with django_assert_max_num_queries(12):
        response = client.get("/paris/accountability/plans/climate/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Paris climate plan" in text and "Ana Ruiz" in text and "ACIJ" in text
    assert "3 meetings, 1 civil society organisation, 1 government area" in text
    assert "<strong>Agreed</strong> the draft" in text
    assert "Government's assessment: 60% complete" in text
    assert "Civil society's assessment: 20% complete" in text


def test_plans_list_and_unknown_plan(client, plan):
    assert "Paris climate plan" in client.get("/paris/accountability/").content.decode()
    assert client.get("/paris/accountability/plans/nope/").status_code == 404


def test_commitment_page_shows_fields_both_assessments_and_history(client, milestone, official, partner):
    _post(official, milestone, status="limited", percentage=30, narrative="Survey started.")
    _post(official, milestone, narrative="Half the data is out.")
    _post(partner, milestone, side="civil_society", status="limited", percentage=20, narrative="Data is stale.")
    response = client.get("/paris/accountability/plans/climate/commitments/1/")
    text = response.content.decode()
    assert "Commitment 1: Open data on building renovation" in text
    assert "Residents cannot find the data." in text and "Access to information" in text
    assert "Half the data is out." in text and "Data is stale." in text
    assert "History: 3 updates" in text and "Survey started." in text
    assert "Posted by Sam Watchdog (Alternatiba)" in text
    assert "Report progress" not in text  # anonymous
    assert client.get("/paris/accountability/plans/climate/commitments/99999999999/").status_code == 404


def test_commitment_of_another_jurisdiction_is_not_found(client, commitment, madrid):
    assert client.get("/madrid/accountability/plans/climate/commitments/1/").status_code == 404


def test_official_posts_progress_with_a_file(client, milestone, official, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(official)
    page = client.get("/paris/accountability/plans/climate/commitments/1/")
    assert "Report progress on milestone 1" in page.content.decode()
    form = client.get(PROGRESS_URL)
    assert form.status_code == 200 and 'type="file"' in form.content.decode()
    response = client.post(
        PROGRESS_URL,
        {
            "side": "government",
            "status": "complete",
            "percentage": "100",
            "narrative": "Published.",
            "links": "https://opendata.paris.fr/renovations\n",
            "evidence": SimpleUploadedFile("report.txt", b"Report", content_type="text/plain"),
            "evidence_title": "Final report",
        },
    )
    assert response.status_code == 302
    text = client.get(response["Location"]).content.decode()
    assert "Final report" in text and "https://opendata.paris.fr/renovations" in text
    with scopes_disabled():
        assert Attachment.objects.get().target == ProgressUpdate.objects.get()


def test_partner_posts_a_counter_assessment(client, milestone, partner):
    client.force_login(partner)
    form = client.get(PROGRESS_URL).content.decode()
    assert 'type="file"' in form and 'type="hidden" name="side" value="civil_society"' in form
    data = {"side": "civil_society", "status": "limited", "percentage": "10", "narrative": "Barely started."}
    assert client.post(PROGRESS_URL, data).status_code == 302
    with scopes_disabled():
        assert ProgressUpdate.objects.get().side == "civil_society"


def test_refused_progress_answers_400_with_the_message_next_to_the_field(client, milestone, official):
    client.force_login(official)
    data = {"side": "government", "status": "complete", "percentage": "80", "narrative": "Done?"}
    response = client.post(PROGRESS_URL, data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text and 'id="id_percentage_error"' in text and "100% done" in text
    with scopes_disabled():
        assert not ProgressUpdate.objects.exists()


def test_progress_form_is_for_officials_and_partners_only(client, milestone):
    assert client.get(PROGRESS_URL).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get(PROGRESS_URL).status_code == 403
    assert client.post(PROGRESS_URL, {"side": "government"}).status_code == 403


def test_timeline_lists_meetings_and_updates_newest_first(client, milestone, official):
    with scopes_disabled():
        ForumMeetingFactory(plan=milestone.commitment.plan, title="Launch", held_on=date(2025, 1, 10))
    _post(official, milestone)
    text = client.get("/paris/accountability/plans/climate/timeline/").content.decode()
    assert text.index("Commitment 1, milestone 1") < text.index("Forum meeting: Launch")
    assert "Government assessment by Claire Official: Substantial (60%)" in text


def test_exports_carry_ogp_fields_completion_and_history(client, milestone, official, partner):
    _post(official, milestone)
    _post(official, milestone, status="complete", percentage=100, narrative="Done.")
    _post(partner, milestone, side="civil_society", status="limited", percentage=40)
    rows = json.loads(client.get("/paris/accountability/export/commitments.json").content)["rows"]
    assert rows[0]["ogp_values"] == "access_to_information" and rows[0]["completion"] == 100
    assert rows[0]["civil_society_completion"] == 40 and rows[0]["plan"] == "climate"
    csv_text = b"".join(client.get("/paris/accountability/export/progress-updates.csv").streaming_content).decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("id,plan,commitment,milestone,deliverable,side,status,percentage")
    assert len(lines) == 4 and lines[-1].endswith(",True") and lines[1].endswith(",False")


def test_commitments_are_found_by_search(client, paris, official, unscoped):
    plan = ActionPlanFactory(jurisdiction=paris, slug="p")
    commitment = CommitmentFactory(plan=plan, title="Reproductive health services data")
    index_object(commitment)
    text = client.get("/paris/search/?q=reproductive").content.decode()
    assert "Reproductive health services data" in text


def test_milestones_show_in_process_component_stats(paris, milestone, official):
    from plaza.accountability.component import accountability_stats
    from plaza.core.tests.factories import ComponentFactory

    _post(official, milestone, status="complete", percentage=100)
    with scopes_disabled():
        MilestoneFactory(commitment=milestone.commitment, position=2)
        component = ComponentFactory(process__jurisdiction=paris, manifest_name="accountability")
    figures = dict((str(label), number) for label, number in accountability_stats(component))
    assert figures == {"commitments": 1, "milestones complete": 1}


def test_inside_a_process_the_component_lists_the_plans(client, plan, unscoped):
    from plaza.core.tests.factories import ComponentFactory

    component = ComponentFactory(process__jurisdiction=plan.jurisdiction, manifest_name="accountability")
    response = client.get(f"/paris/processes/{component.process.slug}/{component.slug}/")
    assert response.status_code == 200 and "Paris climate plan" in response.content.decode()
