"""Operations: plans and co-creation, commitments, milestones, partners and progress updates."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django_scopes import scopes_disabled

from plaza.accountability import queries
from plaza.accountability.models import ActionPlan, Commitment, PlanPartner, PlanStatus, ProgressUpdate
from plaza.accountability.operations import (
    add_milestone,
    create_commitment,
    create_plan,
    grant_partner,
    post_progress_update,
    record_meeting,
    revoke_partner,
    set_plan_status,
)
from plaza.accountability.tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory
from plaza.core.models import AuditEntry, SDGTag
from plaza.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _commitment_values(**overrides):
    values = {
        "title": "Open data on sexual and reproductive health services",
        "problem": "People do not know where services are.",
        "description": "Publish every service as open data.",
        "contribution": "People find services.",
        "ogp_values": ["access_to_information", "technology_and_innovation"],
        "lead_institution": "Ministry of Health",
        "start_date": date(2025, 3, 1),
        "end_date": date(2026, 3, 1),
        "policy_areas": ["Health", " ", "Open data"],
        "supporting_civil_society": ["Fundación Huésped"],
        "sdg_targets": ["3.7"],
    }
    return {**values, **overrides}


def _post(actor, milestone, **overrides):
    values = {"side": "government", "status": "limited", "percentage": 30, "narrative": "Survey started."}
    return post_progress_update(actor=actor, milestone=milestone, **{**values, **overrides})


def test_admin_creates_a_plan_in_co_creation_and_moves_it_forward_only(paris, paris_admin, unscoped):
    plan = create_plan(
        actor=paris_admin,
        jurisdiction=paris,
        slug="2025",
        title="Plan 2025",
        period_start=date(2025, 1, 1),
        period_end=date(2026, 12, 31),
    )
    assert plan.status == PlanStatus.CO_CREATION
    CommitmentFactory(plan=plan)  # a plan goes into implementation with at least one commitment
    set_plan_status(actor=paris_admin, plan=plan, status=PlanStatus.IMPLEMENTATION)
    with pytest.raises(ValidationError) as refused:
        set_plan_status(actor=paris_admin, plan=plan, status=PlanStatus.CO_CREATION)
    assert "only moves forward" in str(refused.value)
    actions = list(AuditEntry.objects.filter(jurisdiction=paris).values_list("action", flat=True))
    assert actions.count("action_plan.create") == 1 and actions.count("action_plan.status") == 1


def test_a_plan_ending_before_it_starts_is_refused(paris, paris_admin, unscoped):
    with pytest.raises(ValidationError) as refused:
        create_plan(
            actor=paris_admin,
            jurisdiction=paris,
            slug="bad",
            title="Bad",
            period_start=date(2026, 1, 1),
            period_end=date(2025, 1, 1),
        )
    assert "period_end" in refused.value.message_dict
    assert not ActionPlan.objects.exists()


def test_an_official_cannot_create_a_plan(paris, official):
    with pytest.raises(PermissionDenied):
        create_plan(
            actor=official,
            jurisdiction=paris,
            slug="x",
            title="X",
            period_start=date(2025, 1, 1),
            period_end=date(2026, 1, 1),
        )


def test_commitment_gets_the_next_number_its_values_and_sdg_tags(plan, official, unscoped):
    first = create_commitment(actor=official, plan=plan, **_commitment_values())
    second = create_commitment(actor=official, plan=plan, **_commitment_values(title="Second"))
    assert (first.number, second.number) == (1, 2)
    assert first.policy_areas == ["Health", "Open data"]
    assert [(t.goal.number, t.target.code) for t in SDGTag.objects.filter(object_id=first.pk)] == [(3, "3.7")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ogp_values": ["transparency"]}, "ogp_values"),
        ({"ogp_values": []}, "ogp_values"),
        ({"end_date": date(2028, 1, 1)}, "end_date"),
        ({"start_date": date(2026, 6, 1), "end_date": date(2026, 1, 1)}, "end_date"),
        ({"problem": "  "}, "problem"),
    ],
)
def test_bad_commitments_are_refused_next_to_the_field(plan, official, unscoped, overrides, field):
    with pytest.raises(ValidationError) as refused:
        create_commitment(actor=official, plan=plan, **_commitment_values(**overrides))
    assert field in refused.value.message_dict
    assert not Commitment.objects.exists()


def test_a_milestone_due_outside_the_plan_is_refused(commitment, official, unscoped):
    with pytest.raises(ValidationError) as refused:
        add_milestone(actor=official, commitment=commitment, deliverable="Late", due_date=date(2030, 1, 1))
    assert "within the plan's period" in refused.value.message_dict["due_date"][0]
    milestone = add_milestone(actor=official, commitment=commitment, deliverable="On time", due_date=date(2026, 1, 1))
    assert milestone.position == 1


def test_meeting_with_its_minutes_and_a_document(plan, official, unscoped, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("minutes.txt", b"Attendance list", content_type="text/plain")
    meeting = record_meeting(
        actor=official,
        plan=plan,
        title="Roundtable 1",
        held_on=date(2025, 2, 1),
        place="City hall",
        attendees=27,
        minutes="## Decisions",
        documents=[("Attendance", upload)],
    )
    assert [d.title for d in queries.meetings_of(plan)[0].documents] == ["Attendance"]
    assert meeting.attendees == 27


def test_partner_grants_are_audited_and_revocable(plan, paris_admin, unscoped):
    user = UserFactory()
    grant_partner(actor=paris_admin, plan=plan, user=user, organisation="ACIJ", reason="Forum member")
    assert queries.sides_for(user, plan) == ["civil_society"]
    revoke_partner(actor=paris_admin, plan=plan, user=user, reason="Left the forum")
    assert queries.sides_for(user, plan) == []
    assert not PlanPartner.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"action_plan.partner.grant", "action_plan.partner.revoke"} <= actions


def test_updates_supersede_and_history_is_kept(milestone, official, partner, unscoped):
    first = _post(official, milestone)
    second = _post(official, milestone, status="complete", percentage=100, links=["https://data.example.org/x"])
    counter = _post(partner, milestone, side="civil_society", status="substantial", percentage=70)
    assert second.supersedes == first
    assert counter.organisation == "Alternatiba" and counter.author_label == "Sam Watchdog"
    progress = queries.commitment_progress(milestone.commitment.plan, 1)
    only = progress.milestones[0]
    assert (only.government, only.civil_society) == (second, counter)
    assert len(only.history) == 3
    assert (progress.completion, progress.civil_society_completion) == (100, 70)


def test_completion_counts_milestones_without_updates_as_zero(milestone, official, unscoped):
    MilestoneFactory(commitment=milestone.commitment, position=2)
    _post(official, milestone, status="complete", percentage=100)
    progress = queries.plan_progress(milestone.commitment.plan)[0]
    assert progress.completion == 50
    assert progress.civil_society_completion is None


def test_an_update_is_never_edited_in_place(milestone, official, unscoped):
    update = _post(official, milestone)
    update.narrative = "Rewritten history"
    with pytest.raises(ValueError):
        update.save()


def test_a_resident_and_another_jurisdictions_official_cannot_post(milestone, madrid_admin, partner, unscoped):
    for outsider in (UserFactory(), madrid_admin):
        with pytest.raises(PermissionDenied):
            _post(outsider, milestone)
    with pytest.raises(PermissionDenied):
        _post(partner, milestone)  # a partner posts civil society's counter-assessment, not the government's
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": "complete", "percentage": 80}, "percentage"),
        ({"status": "not_started", "percentage": 10}, "percentage"),
        ({"status": "limited", "percentage": 100}, "percentage"),
        ({"percentage": 130}, "percentage"),
        ({"status": "finished"}, "status"),
        ({"narrative": " "}, "narrative"),
        ({"links": ["javascript:alert(1)"]}, "links"),
    ],
)
def test_bad_progress_is_refused(milestone, official, unscoped, overrides, field):
    with pytest.raises(ValidationError) as refused:
        _post(official, milestone, **overrides)
    assert field in refused.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_no_progress_outside_implementation(paris, official, unscoped):
    plan = ActionPlanFactory(jurisdiction=paris, status=PlanStatus.CO_CREATION)
    milestone = MilestoneFactory(commitment=CommitmentFactory(plan=plan))
    with pytest.raises(ValidationError):
        _post(official, milestone)


def test_a_partners_evidence_file_needs_the_component_and_nothing_is_written_without_it(milestone, partner, unscoped):
    """Partners attach through the component's "partner_evidence" action: no component, no update either."""
    upload = SimpleUploadedFile("e.txt", b"evidence", content_type="text/plain")
    with pytest.raises(PermissionDenied):
        _post(partner, milestone, side="civil_society", evidence=upload)
    assert not ProgressUpdate.objects.exists()


def test_the_database_refuses_a_second_first_update(milestone, official, unscoped):
    _post(official, milestone)
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(
            jurisdiction=milestone.jurisdiction,
            milestone=milestone,
            side="government",
            status="limited",
            percentage=20,
            narrative="A fork in history",
            author_label="x",
            created_at=milestone.commitment.plan.created_at,
        )


def test_a_commitment_keeps_its_figures_as_milestones_and_progress_arrive(milestone, official, partner, unscoped):
    from plaza.accountability.operations import add_milestone
    from plaza.accountability.queries import commitment_progress

    commitment = milestone.commitment
    commitment.refresh_from_db()
    assert (commitment.milestone_count, commitment.completion, commitment.civil_society_completion) == (1, 0, None)
    _post(official, milestone, status="substantial", percentage=75)
    second = add_milestone(actor=official, commitment=commitment, deliverable="Open API", due_date=date(2026, 9, 1))
    _post(partner, second, side="civil_society", status="limited", percentage=25)
    _post(official, milestone, status="substantial", percentage=61)  # supersedes the 75
    commitment.refresh_from_db()
    computed = commitment_progress(commitment.plan, commitment.number)
    assert (commitment.milestone_count, commitment.completion, commitment.civil_society_completion) == (2, 30, 12)
    assert (commitment.completion, commitment.civil_society_completion) == (
        computed.completion,
        computed.civil_society_completion,
    )
