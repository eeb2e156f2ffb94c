"""Editing a plan after it is written: its details, its stage (with rules) and its forum's members."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from plaza.accountability.models import ActionPlan, CandidateDecision, ForumMember, PlanStatus
from plaza.accountability.operations import (
    add_candidate,
    remove_forum_member,
    set_plan_status,
    update_forum_member,
    update_plan,
)
from plaza.accountability.tests.factories import ActionPlanFactory, ForumMemberFactory
from plaza.core.models import AuditEntry, Role
from plaza.core.tests.factories import RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db
EDIT = "/paris/accountability/plans/climate/edit/"
STATUS = "/paris/accountability/plans/climate/status/"


def _details(**changes):
    data = {
        "title": "Paris climate plan",
        "period_start": "2025-01-01",
        "period_end": "2027-12-31",
        "description": "",
        "reason": "",
    }
    return {**data, **changes}


def _plan_values(plan, **changes):
    values = {
        "title": plan.title,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "description": plan.description,
    }
    return {**values, **changes}


# Operations


def test_admin_corrects_the_plan_and_the_public_history_keeps_before_and_after(plan, paris_admin, unscoped):
    update_plan(
        actor=paris_admin,
        plan=plan,
        **_plan_values(plan, title="Paris climate action plan", period_end=date(2028, 6, 30)),
        reason="Extended by the forum",
    )
    plan.refresh_from_db()
    assert (plan.title, plan.period_end, plan.slug) == ("Paris climate action plan", date(2028, 6, 30), "climate")
    entry = AuditEntry.objects.get(action="action_plan.edit")
    assert entry.is_public and entry.reason == "Extended by the forum"
    assert entry.data["changes"] == {
        "title": {"before": "Paris climate plan", "after": "Paris climate action plan"},
        "period_end": {"before": "2027-12-31", "after": "2028-06-30"},
    }


def test_a_period_that_would_leave_a_milestone_outside_is_refused(milestone, paris_admin, unscoped):
    plan = milestone.commitment.plan  # commitment 2025-02-01 to 2026-12-31, milestone due 2026-06-30
    with pytest.raises(ValidationError) as refused:
        update_plan(actor=paris_admin, plan=plan, **_plan_values(plan, period_end=date(2026, 3, 31)))
    assert "period_end" in refused.value.message_dict
    assert "run from 2025-02-01 to 2026-12-31" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        update_plan(actor=paris_admin, plan=plan, **_plan_values(plan, period_start=date(2025, 6, 1)))
    assert "period_start" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        update_plan(actor=paris_admin, plan=plan, **_plan_values(plan, period_end=date(2024, 1, 1)))
    assert "The period must end after it starts." in str(refused.value)
    plan.refresh_from_db()
    assert (plan.period_start, plan.period_end) == (date(2025, 1, 1), date(2027, 12, 31))
    assert not AuditEntry.objects.filter(action="action_plan.edit").exists()


def test_only_this_jurisdictions_admins_edit_a_plan_and_a_closed_plan_stays(plan, official, madrid, unscoped):
    stranger = UserFactory()
    RoleGrantFactory(jurisdiction=madrid, user=stranger, role=Role.ADMIN)
    for actor in (official, stranger):
        with pytest.raises(PermissionDenied):
            update_plan(actor=actor, plan=plan, **_plan_values(plan, title="Hijacked"))
    plan.status = PlanStatus.CLOSED
    plan.save()
    admin = UserFactory()
    RoleGrantFactory(jurisdiction=plan.jurisdiction, user=admin, role=Role.ADMIN)
    with pytest.raises(ValidationError, match="closed"):
        update_plan(actor=admin, plan=plan, **_plan_values(plan, title="Rewritten"))
    assert ActionPlan.objects.get(pk=plan.pk).title == "Paris climate plan"


def test_saving_the_same_details_writes_no_history(plan, paris_admin, unscoped):
    update_plan(actor=paris_admin, plan=plan, **_plan_values(plan, title=" Paris climate plan "))
    assert not AuditEntry.objects.filter(action="action_plan.edit").exists()


def test_a_plan_goes_into_implementation_with_a_commitment_and_every_candidate_decided(
    paris, paris_admin, official, unscoped
):
    plan = ActionPlanFactory(jurisdiction=paris, status=PlanStatus.CO_CREATION)
    with pytest.raises(ValidationError, match="at least one commitment"):
        set_plan_status(actor=paris_admin, plan=plan, status=PlanStatus.IMPLEMENTATION)
    from plaza.accountability.tests.factories import CommitmentFactory

    commitment = CommitmentFactory(plan=plan)
    candidate = add_candidate(actor=official, plan=plan, title="Open the budget")
    with pytest.raises(ValidationError, match="1 is still under consideration"):
        set_plan_status(actor=paris_admin, plan=plan, status=PlanStatus.IMPLEMENTATION)
    assert ActionPlan.objects.get(pk=plan.pk).status == PlanStatus.CO_CREATION
    candidate.decision, candidate.reason, candidate.commitment = CandidateDecision.ADOPTED, "Taken up", commitment
    candidate.save()
    set_plan_status(actor=paris_admin, plan=plan, status=PlanStatus.IMPLEMENTATION, reason="Adopted on 3 March")
    entry = AuditEntry.objects.get(action="action_plan.status")
    assert entry.data == {"before": "co_creation", "after": "implementation"}
    assert entry.reason == "Adopted on 3 March" and entry.is_public


def test_a_plan_moves_one_step_at_a_time_never_back(paris, paris_admin, unscoped):
    plan = ActionPlanFactory(jurisdiction=paris, status=PlanStatus.CO_CREATION)
    with pytest.raises(ValidationError, match="one step at a time"):
        set_plan_status(actor=paris_admin, plan=plan, status=PlanStatus.CLOSED)
    plan = ActionPlanFactory(jurisdiction=paris, status=PlanStatus.IMPLEMENTATION)
    for wrong in (PlanStatus.CO_CREATION, PlanStatus.IMPLEMENTATION, "finished"):
        with pytest.raises(ValidationError, match="only moves forward"):
            set_plan_status(actor=paris_admin, plan=plan, status=wrong)
    set_plan_status(actor=paris_admin, plan=plan, status=PlanStatus.CLOSED)
    with pytest.raises(ValidationError, match="only moves forward"):
        set_plan_status(actor=paris_admin, plan=plan, status=PlanStatus.CLOSED)
    assert AuditEntry.objects.filter(action="action_plan.status").count() == 1


def test_officials_correct_and_remove_forum_members_with_history(plan, official, partner, unscoped):
    member = ForumMemberFactory(plan=plan, name="Ana Ruiz", organisation="ACIJ", sector="civil_society")
    update_forum_member(
        actor=official, member=member, name="Ana Ruiz", organisation="ACIJ", sector="civil_society", role="co-chair"
    )
    assert ForumMember.objects.get(pk=member.pk).role == "co-chair"
    assert AuditEntry.objects.get(action="forum.member.edit").data["changes"] == {
        "role": {"before": "", "after": "co-chair"}
    }
    with pytest.raises(ValidationError) as refused:
        update_forum_member(actor=official, member=member, name=" ", organisation="ACIJ", sector="pirates")
    assert {"name", "sector"} & set(refused.value.message_dict)
    with pytest.raises(PermissionDenied):
        remove_forum_member(actor=partner, member=member)
    remove_forum_member(actor=official, member=member, reason="Listed twice")
    assert not ForumMember.objects.exists()
    entry = AuditEntry.objects.get(action="forum.member.remove")
    assert entry.reason == "Listed twice" and entry.data["member"] == "Ana Ruiz (ACIJ)"


# Pages


def test_admin_edits_the_plan_from_its_page(client, plan, paris_admin):
    client.force_login(paris_admin)
    assert "Edit the plan or move it to its next stage" in client.get(plan.get_absolute_url()).content.decode()
    form = client.get(EDIT).content.decode()
    assert 'value="Paris climate plan"' in form and "Move the plan to “Closed”" in form
    response = client.post(EDIT, _details(title="Paris climate action plan", reason="Renamed by the forum"))
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert "<h1>Paris climate action plan</h1>" in client.get(plan.get_absolute_url()).content.decode()
    with scopes_disabled():
        assert AuditEntry.objects.get(action="action_plan.edit").reason == "Renamed by the forum"


def test_bad_plan_details_answer_400_with_messages_and_change_nothing(client, milestone, paris_admin):
    client.force_login(paris_admin)
    response = client.post(EDIT, _details(title="", period_end="2026-01-31"))
    text = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in text
    response = client.post(EDIT, _details(period_end="2026-01-31"))
    assert response.status_code == 400
    assert "The plan&#x27;s commitments and milestones run from" in response.content.decode()
    response = client.post(EDIT, _details(period_start="someday"))
    assert response.status_code == 400 and "Enter a valid date." in response.content.decode()
    with scopes_disabled():
        milestone.commitment.plan.refresh_from_db()
        assert milestone.commitment.plan.period_end == date(2027, 12, 31)
        assert not AuditEntry.objects.filter(action="action_plan.edit").exists()


def test_admin_moves_the_plan_on_and_a_refusal_shows_on_the_edit_page(client, paris, paris_admin):
    with scopes_disabled():
        ActionPlanFactory(jurisdiction=paris, slug="climate", title="Paris climate plan", status="co_creation")
    client.force_login(paris_admin)
    assert "Move the plan to “Implementation”" in client.get(EDIT).content.decode()
    response = client.post(STATUS, {"status-status": "implementation", "status-reason": "Adopted"})
    assert response.status_code == 400
    assert "A plan is implemented once it has at least one commitment." in response.content.decode()
    response = client.post(STATUS, {"status-status": "closed"})
    assert response.status_code == 400 and "one step at a time" in response.content.decode()
    with scopes_disabled():
        plan = ActionPlan.objects.get(slug="climate")
        assert plan.status == "co_creation"
        from plaza.accountability.tests.factories import CommitmentFactory

        CommitmentFactory(plan=plan)
    response = client.post(STATUS, {"status-status": "implementation", "status-reason": "Adopted"})
    assert response.status_code == 302
    with scopes_disabled():
        assert ActionPlan.objects.get(slug="climate").status == "implementation"
        assert AuditEntry.objects.get(action="action_plan.status").reason == "Adopted"
    assert client.get(STATUS).status_code == 302  # a GET goes to the edit page


def test_plan_editing_is_for_this_jurisdictions_admins(client, plan, official, madrid):
    assert client.get(EDIT).status_code == 302  # sign in first
    client.force_login(official)
    assert client.post(EDIT, _details(title="X")).status_code == 403
    assert client.post(STATUS, {"status-status": "closed"}).status_code == 403
    assert "Edit the plan" not in client.get(plan.get_absolute_url()).content.decode()
    stranger = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=madrid, user=stranger, role=Role.ADMIN)
    client.force_login(stranger)
    assert client.post(EDIT, _details(title="X")).status_code == 403
    assert client.get("/paris/accountability/plans/nope/edit/").status_code == 404
    with scopes_disabled():
        plan.refresh_from_db()
        assert (plan.title, plan.status) == ("Paris climate plan", "implementation")


def test_official_edits_and_removes_a_forum_member_from_the_plan_page(client, plan, official):
    with scopes_disabled():
        member = ForumMemberFactory(plan=plan, name="Ana Ruiz", organisation="ACIJ", sector="civil_society")
    edit = f"/paris/accountability/plans/climate/forum/members/{member.pk}/edit/"
    remove = f"/paris/accountability/plans/climate/forum/members/{member.pk}/remove/"
    client.force_login(official)
    assert edit in client.get(plan.get_absolute_url()).content.decode()
    assert 'value="ACIJ"' in client.get(edit).content.decode()
    response = client.post(edit, {"name": "", "organisation": "ACIJ", "sector": "pirates"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(edit, {"name": "Ana Ruiz", "organisation": "ACIJ", "sector": "government", "role": "x"})
    assert response.status_code == 302
    with scopes_disabled():
        assert ForumMember.objects.get().sector == "government"
    assert client.get(remove).status_code == 302  # a GET goes back to the edit page
    response = client.post(remove, {"removal-reason": "Left the forum"})
    assert response.status_code == 302
    with scopes_disabled():
        assert not ForumMember.objects.exists()
        assert AuditEntry.objects.get(action="forum.member.remove").reason == "Left the forum"
    assert client.get(edit).status_code == 404


def test_forum_member_pages_refuse_others_and_another_plans_member(client, plan, partner, official, paris):
    with scopes_disabled():
        member = ForumMemberFactory(plan=plan)
        other = ForumMemberFactory(plan=ActionPlanFactory(jurisdiction=paris, slug="other"))
    edit = f"/paris/accountability/plans/climate/forum/members/{member.pk}/edit/"
    client.force_login(partner)
    assert client.post(edit, {"name": "X", "organisation": "Y", "sector": "other"}).status_code == 403
    assert client.post(edit.replace("edit", "remove"), {}).status_code == 403
    client.force_login(official)
    assert client.get(f"/paris/accountability/plans/climate/forum/members/{other.pk}/edit/").status_code == 404
    with scopes_disabled():
        assert ForumMember.objects.count() == 2
