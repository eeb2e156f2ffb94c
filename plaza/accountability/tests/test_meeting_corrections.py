"""Correcting or removing a recorded forum meeting: operations (permissions, tenancy, history) and pages."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.accountability import queries
from plaza.accountability.models import ForumMeeting, PlanStatus
from plaza.accountability.operations import record_meeting, remove_meeting, update_meeting
from plaza.accountability.tests.factories import ActionPlanFactory, ForumMeetingFactory
from plaza.core.models import Attachment, AuditEntry, Role
from plaza.core.queries.attachments import downloadable_attachment
from plaza.core.tests.factories import RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 roundtable"


def _pdf(name="minutes.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def meeting(plan, official, media):
    with scopes_disabled():
        return record_meeting(
            actor=official,
            plan=plan,
            title="Health roundtable",
            held_on=date(2025, 3, 4),
            place="Usina del Arte",
            attendees=42,
            minutes="**Agreed** the draft",
            documents=[("Signed minutes", _pdf())],
        )


def _values(meeting, **changes):
    values = {name: getattr(meeting, name) for name in ("title", "held_on", "place", "attendees", "minutes")}
    return {**values, **changes}


def _stored(meeting) -> ForumMeeting:
    return ForumMeeting.objects.get(pk=meeting.pk)


# Operations


def test_official_corrects_a_meeting_and_the_public_history_keeps_before_and_after(meeting, official, unscoped):
    update_meeting(
        actor=official, meeting=meeting, **_values(meeting, attendees=45, place="Usina"), reason="Late sign-ins"
    )
    stored = _stored(meeting)
    assert (stored.attendees, stored.place, stored.title) == (45, "Usina", "Health roundtable")
    assert stored.corrected_at is not None and stored.removed_at is None
    entry = AuditEntry.objects.get(action="forum.meeting.edit")
    assert entry.is_public and entry.reason == "Late sign-ins" and entry.target_id == str(meeting.pk)
    assert entry.data["changes"] == {
        "attendees": {"before": 42, "after": 45},
        "place": {"before": "Usina del Arte", "after": "Usina"},
    }


def test_saving_the_same_details_writes_no_history(meeting, official, unscoped):
    update_meeting(actor=official, meeting=meeting, **_values(meeting), reason="Nothing really")
    assert _stored(meeting).corrected_at is None
    assert not AuditEntry.objects.filter(action="forum.meeting.edit").exists()


def test_documents_are_added_and_taken_off_with_their_history(
    meeting, official, media, unscoped, django_capture_on_commit_callbacks
):
    signed = Attachment.objects.get()
    stored_file = media / signed.file.name
    with django_capture_on_commit_callbacks(execute=True):
        update_meeting(
            actor=official,
            meeting=meeting,
            **_values(meeting),
            add_documents=[("Attendance", _pdf("attendance.pdf"))],
            remove_documents=[signed.pk],
            reason="The signed copy had residents' phone numbers",
        )
    assert [d.title for d in queries.meetings_of(meeting.plan)[0].documents] == ["Attendance"]
    assert not stored_file.exists()
    entry = AuditEntry.objects.get(action="forum.meeting.edit")
    assert entry.data == {
        "changes": {},
        "documents_added": ["Attendance"],
        "documents_removed": ["Signed minutes (minutes.pdf)"],
    }
    assert AuditEntry.objects.get(action="attachment.remove").data["title"] == "Signed minutes"
    assert _stored(meeting).corrected_at is not None


def test_bad_corrections_say_why_and_change_nothing(meeting, official, plan, media, unscoped):
    other = ForumMeetingFactory(plan=plan)
    theirs = Attachment.objects.create(
        jurisdiction=plan.jurisdiction,
        content_type=Attachment.objects.get().content_type,
        object_id=other.pk,
        title="Theirs",
        original_name="theirs.pdf",
        mime_type="application/pdf",
        size=3,
        file="attachments/theirs.pdf",
    )
    with pytest.raises(ValidationError) as refused:
        update_meeting(actor=official, meeting=meeting, **_values(meeting, title=" ", place="", attendees=-1))
    assert {"title", "place", "attendees"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        update_meeting(actor=official, meeting=meeting, **_values(meeting, place="x" * 201))
    assert "place" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        update_meeting(actor=official, meeting=meeting, **_values(meeting, attendees=50), remove_documents=[theirs.pk])
    assert "remove_documents" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        update_meeting(
            actor=official,
            meeting=meeting,
            **_values(meeting, attendees=50),
            add_documents=[("Tool", SimpleUploadedFile("tool.exe", b"MZ"))],
        )
    assert "document" in refused.value.message_dict
    stored = _stored(meeting)
    assert (stored.attendees, stored.place, stored.corrected_at) == (42, "Usina del Arte", None)
    assert Attachment.objects.filter(object_id=meeting.pk).count() == 1
    assert not AuditEntry.objects.filter(action="forum.meeting.edit").exists()


def test_only_this_jurisdictions_officials_correct_or_remove(meeting, partner, madrid_admin, unscoped):
    for outsider in (partner, madrid_admin, UserFactory()):
        with pytest.raises(PermissionDenied):
            update_meeting(actor=outsider, meeting=meeting, **_values(meeting, attendees=1))
        with pytest.raises(PermissionDenied):
            remove_meeting(actor=outsider, meeting=meeting, reason="Never held")
    stored = _stored(meeting)
    assert (stored.attendees, stored.removed_at, stored.corrected_at) == (42, None, None)
    assert not AuditEntry.objects.filter(action__in=["forum.meeting.edit", "forum.meeting.remove"]).exists()


def test_removal_needs_a_reason_keeps_the_row_and_leaves_the_public_record(meeting, official, unscoped):
    with pytest.raises(ValidationError) as refused:
        remove_meeting(actor=official, meeting=meeting, reason="  ")
    assert "reason" in refused.value.message_dict and _stored(meeting).removed_at is None
    remove_meeting(actor=official, meeting=meeting, reason=" Recorded twice ")
    stored = _stored(meeting)
    assert stored.removed_at is not None and stored.removal_reason == "Recorded twice"
    assert queries.meetings_of(meeting.plan) == []
    held, removed = queries.meeting_record(meeting.plan)
    assert held == [] and removed == [stored]
    entry = AuditEntry.objects.get(action="forum.meeting.remove")
    assert entry.is_public and entry.reason == "Recorded twice" and entry.target_id == str(meeting.pk)
    assert entry.data == {
        "title": "Health roundtable",
        "held_on": "2025-03-04",
        "place": "Usina del Arte",
        "attendees": 42,
    }
    document = Attachment.objects.get()
    assert downloadable_attachment(meeting.jurisdiction, document.pk) is None  # the public no longer gets it
    assert downloadable_attachment(meeting.jurisdiction, document.pk, official=True) == document
    with pytest.raises(ValidationError):
        remove_meeting(actor=official, meeting=meeting, reason="Again")
    with pytest.raises(ValidationError):
        update_meeting(actor=official, meeting=meeting, **_values(meeting, attendees=1))
    assert AuditEntry.objects.filter(action__in=["forum.meeting.remove", "forum.meeting.edit"]).count() == 1


def test_a_closed_plans_meetings_are_kept_as_they_were(meeting, official, plan, unscoped):
    plan.status = PlanStatus.CLOSED
    plan.save()
    with pytest.raises(ValidationError):
        update_meeting(actor=official, meeting=meeting, **_values(meeting, attendees=1))
    with pytest.raises(ValidationError):
        remove_meeting(actor=official, meeting=meeting, reason="Never held")
    with pytest.raises(ValidationError):
        record_meeting(actor=official, plan=plan, title="Late", held_on=date(2025, 5, 1), place="Here", attendees=3)
    stored = _stored(meeting)
    assert (stored.attendees, stored.removed_at) == (42, None) and ForumMeeting.objects.count() == 1


def test_the_database_refuses_a_removal_without_a_reason(meeting, unscoped):
    with pytest.raises(IntegrityError), transaction.atomic():
        ForumMeeting.objects.filter(pk=meeting.pk).update(removed_at=timezone.now())


# Pages

BASE = "/paris/accountability/plans/climate/"


def _edit(meeting) -> str:
    return f"{BASE}forum/meetings/{meeting.pk}/edit/"


def _remove(meeting) -> str:
    return f"{BASE}forum/meetings/{meeting.pk}/remove/"


def _form(**changes):
    data = {
        "title": "Health roundtable",
        "held_on": "2025-03-04",
        "place": "Usina del Arte",
        "attendees": "42",
        "minutes": "**Agreed** the draft",
        "reason": "",
    }
    return {**data, **changes}


def test_official_corrects_a_meeting_from_the_plan_page(client, meeting, official, media):
    client.force_login(official)
    text = client.get(BASE).content.decode()
    assert _edit(meeting) in text and _remove(meeting) in text
    form = client.get(_edit(meeting)).content.decode()
    assert 'value="Usina del Arte"' in form and "Signed minutes (minutes.pdf)" in form
    with scopes_disabled():
        signed = Attachment.objects.get()
    response = client.post(
        _edit(meeting),
        _form(
            attendees="45",
            minutes="**Agreed** the second draft",
            remove_documents=[str(signed.pk)],
            document_title="Attendance",
            document=_pdf("attendance.pdf"),
            reason="Late sign-ins",
        ),
    )
    assert response.status_code == 302 and response.url == f"{BASE}#meeting-{meeting.pk}"
    text = client.get(BASE).content.decode()
    assert "45 attendees" in text and "the second draft" in text and "Corrected on" in text
    assert "Attendance" in text and "Signed minutes" not in text
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="forum.meeting.edit")
        assert entry.reason == "Late sign-ins" and entry.data["changes"]["attendees"] == {"before": 42, "after": 45}
    client.logout()
    public = client.get(BASE).content.decode()
    assert "Corrected on" in public and _edit(meeting) not in public  # said to all, the link only to officials
    assert "forum.meeting.edit" in client.get("/paris/audit/").content.decode()


def test_bad_meeting_corrections_answer_400_with_messages_and_change_nothing(client, meeting, official, media):
    client.force_login(official)
    response = client.post(_edit(meeting), _form(title="", held_on="soon", attendees="-3", document=_pdf()))
    text = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in text and "Enter a valid date." in text
    assert "Give the document a title." in text and "Ensure this value is greater than or equal to 0." in text
    response = client.post(_edit(meeting), _form(remove_documents=["999999"]))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    with scopes_disabled():
        stored = _stored(meeting)
        assert (stored.title, stored.attendees, stored.corrected_at) == ("Health roundtable", 42, None)
        assert Attachment.objects.count() == 1
        assert not AuditEntry.objects.filter(action="forum.meeting.edit").exists()


def test_official_removes_a_meeting_after_confirming_with_a_reason(client, meeting, official):
    client.force_login(official)
    confirm = client.get(_remove(meeting))
    text = confirm.content.decode()
    assert confirm.status_code == 200 and "Remove the meeting “Health roundtable”" in text and "Usina del Arte" in text
    response = client.post(_remove(meeting), {"reason": "  "})
    assert response.status_code == 400
    assert "Say why the meeting is removed: the public record keeps the reason." in response.content.decode()
    with scopes_disabled():
        assert _stored(meeting).removed_at is None
    response = client.post(_remove(meeting), {"reason": "Recorded twice"})
    assert response.status_code == 302 and response.url == f"{BASE}#removed-meetings-title"
    client.logout()
    text = client.get(BASE).content.decode()
    assert "0 meetings" in text and "Removed from the record" in text
    assert "“Health roundtable” (" in text and "Recorded twice" in text
    assert "the draft" not in text and "Signed minutes" not in text
    assert "Health roundtable" not in client.get(f"{BASE}timeline/").content.decode()
    with scopes_disabled():
        document = Attachment.objects.get()
    assert client.get(f"/paris/attachments/{document.pk}/").status_code == 404
    client.force_login(official)
    assert client.get(_edit(meeting)).status_code == 404
    assert client.post(_remove(meeting), {"reason": "Again"}).status_code == 404


def test_meeting_pages_refuse_others_and_another_plans_meeting(client, meeting, partner, official, paris, madrid):
    assert client.get(_edit(meeting)).status_code == 302  # sign in first
    client.force_login(partner)
    assert client.get(_edit(meeting)).status_code == 403
    assert client.post(_edit(meeting), _form(attendees="1")).status_code == 403
    assert client.post(_remove(meeting), {"reason": "Never held"}).status_code == 403
    assert _edit(meeting) not in client.get(BASE).content.decode()
    stranger = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=madrid, user=stranger, role=Role.ADMIN)
        ActionPlanFactory(jurisdiction=madrid, slug="climate")
        other = ForumMeetingFactory(plan=ActionPlanFactory(jurisdiction=paris, slug="other"))
    client.force_login(stranger)
    assert client.post(_edit(meeting), _form(attendees="1")).status_code == 403
    assert client.post(_remove(meeting), {"reason": "Never held"}).status_code == 403
    madrid_edit = f"/madrid/accountability/plans/climate/forum/meetings/{meeting.pk}/edit/"
    assert client.get(madrid_edit).status_code == 404  # Paris's meeting is not under Madrid's plan
    client.force_login(official)
    assert client.get(f"{BASE}forum/meetings/{other.pk}/edit/").status_code == 404
    assert client.get(f"{BASE}forum/meetings/99999999999999999999/edit/").status_code == 404
    with scopes_disabled():
        stored = _stored(meeting)
        assert (stored.attendees, stored.removed_at) == (42, None)


def test_timeline_links_officials_to_the_correction(client, meeting, official, partner):
    client.force_login(partner)
    assert _edit(meeting) not in client.get(f"{BASE}timeline/").content.decode()
    client.force_login(official)
    assert _edit(meeting) in client.get(f"{BASE}timeline/").content.decode()
