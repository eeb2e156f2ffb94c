"""HTTP pages that record the co-creation forum (members, meetings) and edit milestones."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from plaza.accountability.models import ForumMeeting, ForumMember
from plaza.accountability.tests.factories import ActionPlanFactory
from plaza.core.models import Attachment, AuditEntry
from plaza.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MEMBERS = "/paris/accountability/plans/climate/forum/members/new/"
MEETINGS = "/paris/accountability/plans/climate/forum/meetings/new/"


def test_official_adds_a_forum_member_and_the_plan_page_lists_them(client, plan, official):
    client.force_login(official)
    assert "Add a forum member" in client.get(plan.get_absolute_url()).content.decode()
    assert client.get(MEMBERS).status_code == 200
    response = client.post(MEMBERS, {"name": "Ana Ruiz", "organisation": "ACIJ", "sector": "civil_society"})
    assert response.status_code == 302 and response.url.endswith("#cocreation-title")
    with scopes_disabled():
        member = ForumMember.objects.get()
        assert (member.plan, member.organisation, member.sector) == (plan, "ACIJ", "civil_society")
        assert AuditEntry.objects.filter(action="forum.member.add").count() == 1
    assert "1 civil society organisation" in client.get(plan.get_absolute_url()).content.decode()


def test_bad_forum_member_answers_400_with_messages_and_writes_nothing(client, plan, official):
    client.force_login(official)
    response = client.post(MEMBERS, {"name": "  ", "organisation": "ACIJ", "sector": "pirates"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in text and "Select a valid choice" in text
    with scopes_disabled():
        assert not ForumMember.objects.exists()


def test_forum_pages_are_for_officials_only(client, plan, partner):
    assert client.get(MEMBERS).status_code == 302  # sign in first
    client.force_login(partner)
    assert client.post(MEMBERS, {"name": "X", "organisation": "Y", "sector": "other"}).status_code == 403
    assert (
        client.post(MEETINGS, {"title": "X", "held_on": "2025-01-01", "place": "Y", "attendees": 3}).status_code == 403
    )
    assert "Add a forum member" not in client.get(plan.get_absolute_url()).content.decode()
    with scopes_disabled():
        assert not ForumMember.objects.exists() and not ForumMeeting.objects.exists()


def test_official_of_another_jurisdiction_cannot_record_here(client, plan, madrid):
    from plaza.core.models import Role
    from plaza.core.tests.factories import RoleGrantFactory

    stranger = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=madrid, user=stranger, role=Role.OFFICIAL)
        ActionPlanFactory(jurisdiction=madrid, slug="climate")
    client.force_login(stranger)
    response = client.post(MEMBERS, {"name": "X", "organisation": "Y", "sector": "other"})
    assert response.status_code == 403
    with scopes_disabled():
        assert not ForumMember.objects.exists()


def test_official_records_a_meeting_with_minutes_and_a_document(client, plan, official, media):
    client.force_login(official)
    assert client.get(MEETINGS).status_code == 200
    minutes = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 roundtable", content_type="application/pdf")
    response = client.post(
        MEETINGS,
        {
            "title": "Health roundtable",
            "held_on": "2025-03-04",
            "place": "Usina del Arte",
            "attendees": "42",
            "minutes": "**Agreed** the draft",
            "document_title": "Signed minutes",
            "document": minutes,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        meeting = ForumMeeting.objects.get()
        assert (meeting.held_on, meeting.attendees, meeting.place) == (date(2025, 3, 4), 42, "Usina del Arte")
        assert Attachment.objects.get().title == "Signed minutes"
    text = client.get(plan.get_absolute_url()).content.decode()
    assert "Health roundtable" in text and "42 attendees" in text and "Signed minutes" in text
    assert "<strong>Agreed</strong> the draft" in text


def test_bad_meeting_answers_400_and_writes_nothing(client, plan, official, media):
    client.force_login(official)
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(
        MEETINGS, {"title": "Roundtable", "held_on": "soon", "place": "", "attendees": "-3", "document": upload}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid date." in text and "Give the document a title." in text
    assert "Ensure this value is greater than or equal to 0." in text
    with scopes_disabled():
        assert not ForumMeeting.objects.exists() and not Attachment.objects.exists()


MILESTONE_EDIT = "/paris/accountability/plans/climate/commitments/1/milestones/1/edit/"
COMMITMENT_EDIT = "/paris/accountability/plans/climate/commitments/1/edit/"


def test_official_edits_a_milestone_and_the_audit_log_keeps_the_history(client, milestone, official):
    client.force_login(official)
    page = client.get(milestone.commitment.get_absolute_url()).content.decode()
    assert "Edit milestone 1" in page and "Edit this commitment" in page
    assert 'value="Renovations dataset"' in client.get(MILESTONE_EDIT).content.decode()
    response = client.post(
        MILESTONE_EDIT, {"deliverable": "Renovations open dataset", "due_date": "2026-09-30", "reason": "Delayed"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        milestone.refresh_from_db()
        assert (milestone.deliverable, milestone.due_date) == ("Renovations open dataset", date(2026, 9, 30))
        entry = AuditEntry.objects.get(action="milestone.edit")
        assert entry.reason == "Delayed" and entry.is_public
        assert entry.data["changes"]["due_date"] == {"before": "2026-06-30", "after": "2026-09-30"}
        assert entry.data["changes"]["deliverable"]["before"] == "Renovations dataset"


def test_milestone_date_outside_the_plan_is_refused_and_nothing_changes(client, milestone, official):
    client.force_login(official)
    response = client.post(MILESTONE_EDIT, {"deliverable": "Changed", "due_date": "2031-01-01"})
    assert response.status_code == 400
    assert "The date must fall within the plan&#x27;s period" in response.content.decode()
    with scopes_disabled():
        milestone.refresh_from_db()
        assert milestone.deliverable == "Renovations dataset"
        assert not AuditEntry.objects.filter(action="milestone.edit").exists()


def test_editing_is_for_this_jurisdictions_officials(client, milestone, partner, madrid):
    from plaza.core.models import Role
    from plaza.core.tests.factories import RoleGrantFactory

    client.force_login(partner)
    assert client.post(MILESTONE_EDIT, {"deliverable": "X", "due_date": "2026-01-01"}).status_code == 403
    stranger = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=madrid, user=stranger, role=Role.OFFICIAL)
    client.force_login(stranger)
    assert client.post(MILESTONE_EDIT, {"deliverable": "X", "due_date": "2026-01-01"}).status_code == 403
    assert client.get("/paris/accountability/plans/climate/commitments/1/milestones/9/edit/").status_code == 404
    with scopes_disabled():
        milestone.refresh_from_db()
        assert milestone.deliverable == "Renovations dataset"


def _commitment_data(**changes):
    data = {
        "title": "Open data on building renovation",
        "problem": "Residents cannot find the data.",
        "description": "Publish the data.",
        "contribution": "Residents find it.",
        "ogp_values": ["access_to_information", "civic_participation"],
        "policy_areas": "Open data\nHousing",
        "lead_institution": "Department of Health",
        "supporting_government": "",
        "supporting_civil_society": "Alternatiba",
        "start_date": "2025-02-01",
        "end_date": "2026-12-31",
        "reason": "Agreed with the forum",
    }
    return {**data, **changes}


def test_official_edits_a_commitment_its_topics_follow_and_history_is_kept(client, commitment, official):
    client.force_login(official)
    form = client.get(COMMITMENT_EDIT).content.decode()
    assert "Residents cannot find the data." in form and "SDG targets" not in form
    response = client.post(COMMITMENT_EDIT, _commitment_data(end_date="2027-06-30"))
    assert response.status_code == 302
    with scopes_disabled():
        commitment.refresh_from_db()
        assert commitment.end_date == date(2027, 6, 30) and commitment.policy_areas == ["Open data", "Housing"]
        assert set(commitment.topics.values_list("slug", flat=True)) >= {"housing", "civic_participation"}
        changes = AuditEntry.objects.get(action="commitment.edit").data["changes"]
        assert changes["end_date"] == {"before": "2026-12-31", "after": "2027-06-30"}
        assert "title" not in changes
    assert "Housing" in client.get(commitment.get_absolute_url()).content.decode()


def test_commitment_dates_outside_the_plan_are_refused(client, commitment, official):
    client.force_login(official)
    response = client.post(COMMITMENT_EDIT, _commitment_data(start_date="2020-01-01"))
    assert response.status_code == 400
    assert "The date must fall within the plan&#x27;s period" in response.content.decode()
    response = client.post(COMMITMENT_EDIT, _commitment_data(ogp_values=[], title=""))
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    with scopes_disabled():
        commitment.refresh_from_db()
        assert commitment.start_date == date(2025, 2, 1)
        assert not AuditEntry.objects.filter(action="commitment.edit").exists()


def test_a_closed_plan_keeps_its_commitments_and_milestones(milestone, official):
    from plaza.accountability.operations import update_commitment, update_milestone

    with scopes_disabled():
        plan = milestone.commitment.plan
        plan.status = "closed"
        plan.save()
        with pytest.raises(ValidationError, match="closed"):
            update_milestone(actor=official, milestone=milestone, deliverable="X", due_date=date(2026, 1, 1))
        values = {k: v for k, v in _commitment_data().items() if k != "reason"}
        values["policy_areas"] = ["Open data"]
        values["supporting_government"], values["supporting_civil_society"] = [], []
        values["start_date"], values["end_date"] = date(2025, 2, 1), date(2026, 12, 31)
        with pytest.raises(ValidationError, match="closed"):
            update_commitment(actor=official, commitment=milestone.commitment, **values)
        assert not AuditEntry.objects.filter(action__endswith=".edit").exists()


def test_saving_without_a_change_writes_no_history(milestone, official):
    from plaza.accountability.operations import update_milestone

    with scopes_disabled():
        update_milestone(
            actor=official, milestone=milestone, deliverable=" Renovations dataset ", due_date=date(2026, 6, 30)
        )
        assert not AuditEntry.objects.filter(action="milestone.edit").exists()
