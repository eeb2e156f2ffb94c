"""Proposals → candidate commitments: sent through core links, decided with a public reason, shown on the plan."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scopes_disabled

from plaza.accountability.models import Candidate, PlanStatus
from plaza.accountability.operations import decide_candidate
from plaza.accountability.tests.factories import ActionPlanFactory, CommitmentFactory
from plaza.core.models import AuditEntry, ContentLink
from plaza.core.operations.links import send_to
from plaza.core.queries.links import links_of, send_targets
from plaza.core.tests.factories import ComponentFactory, ProcessFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cocreated(paris, unscoped):
    return ActionPlanFactory(jurisdiction=paris, slug="2027", title="Plan 2027", status=PlanStatus.CO_CREATION)


@pytest.fixture
def receiver(paris, unscoped):
    return ComponentFactory(process__jurisdiction=paris, manifest_name="accountability", title="Action plan")


@pytest.fixture
def proposal_like(paris, unscoped):
    """Any content can be sent: a published process stands in for a resident's proposal."""
    return ProcessFactory(jurisdiction=paris, title="Open contracting for every tender")


def _send(actor, source, component):
    with scopes_disabled():
        return send_to(actor=actor, source=source, component=component, kind="candidate", note="From the consultation")


def test_the_manifest_offers_a_candidate_commitment(paris, receiver):
    [(instance, target)] = send_targets(paris, "candidate")
    assert instance == receiver and str(target.label) == "a candidate commitment"


def test_sending_a_proposal_makes_a_candidate_of_the_plan_in_co_creation(
    paris_admin, cocreated, receiver, proposal_like
):
    link = _send(paris_admin, proposal_like, receiver)
    candidate = link.target
    assert isinstance(candidate, Candidate) and candidate.plan == cocreated
    assert candidate.title == "Open contracting for every tender" and candidate.decision == "pending"
    assert candidate.source_url == proposal_like.get_absolute_url()
    assert AuditEntry.objects.filter(action="candidate.add", is_public=True).exists()
    [item] = links_of(proposal_like, direction="from", kind="candidate")
    assert item.other == candidate and item.url.endswith(f"#candidate-{candidate.pk}")


def test_no_plan_in_co_creation_means_nothing_is_sent(paris_admin, plan, receiver, proposal_like):
    with pytest.raises(ValidationError):
        _send(paris_admin, proposal_like, receiver)
    assert not Candidate.objects.exists() and not ContentLink.objects.exists()


def test_residents_cannot_send(cocreated, receiver, proposal_like):
    with pytest.raises(PermissionDenied):
        _send(UserFactory(), proposal_like, receiver)


def test_decisions_need_a_reason_and_an_adopted_one_names_its_commitment(
    paris_admin, official, cocreated, receiver, proposal_like, plan
):
    candidate = _send(paris_admin, proposal_like, receiver).target
    commitment = CommitmentFactory(plan=cocreated, number=1, title="Open contracting")
    with pytest.raises(ValidationError) as refused:
        decide_candidate(actor=official, candidate=candidate, decision="adopted", reason="  ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        decide_candidate(actor=official, candidate=candidate, decision="adopted", reason="Yes")
    assert "commitment" in refused.value.message_dict
    other_plan = CommitmentFactory(plan=plan, number=7)
    with pytest.raises(ValidationError):
        decide_candidate(actor=official, candidate=candidate, decision="adopted", reason="Yes", commitment=other_plan)
    with pytest.raises(PermissionDenied):
        decide_candidate(actor=UserFactory(), candidate=candidate, decision="declined", reason="No")
    candidate.refresh_from_db()
    assert candidate.decision == "pending"
    decide_candidate(
        actor=official, candidate=candidate, decision="adopted", reason="Merged into 1", commitment=commitment
    )
    candidate.refresh_from_db()
    assert candidate.commitment == commitment and candidate.reason == "Merged into 1"
    assert AuditEntry.objects.filter(action="candidate.decide", reason="Merged into 1").exists()


def test_the_database_keeps_decisions_coherent(cocreated):
    base = {"jurisdiction": cocreated.jurisdiction, "plan": cocreated, "title": "x"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.create(**base, decision="adopted", reason="Yes")  # no commitment
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.create(**base, decision="declined")  # no reason
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.create(**base, decision="maybe", reason="r")


def test_plan_page_shows_which_made_it_and_why_others_did_not(
    client, paris_admin, official, cocreated, receiver, proposal_like, paris
):
    adopted = _send(paris_admin, proposal_like, receiver).target
    declined = _send(paris_admin, ProcessFactory(jurisdiction=paris, title="Free parking downtown"), receiver).target
    _send(paris_admin, ProcessFactory(jurisdiction=paris, title="Open budget data"), receiver)
    commitment = CommitmentFactory(plan=cocreated, number=1, title="Open contracting")
    decide_candidate(actor=official, candidate=adopted, decision="adopted", reason="Became 1", commitment=commitment)
    decide_candidate(actor=official, candidate=declined, decision="declined", reason="Not an open government issue")
    text = client.get("/paris/accountability/plans/2027/").content.decode()
    assert "Made it into the plan" in text and "Commitment 1: Open contracting" in text
    assert "Not an open government issue" in text and "Open budget data" in text
    assert "Decide on" not in text


def test_officials_decide_through_the_form_with_errors_next_to_the_fields(
    client, paris_admin, official, cocreated, receiver, proposal_like
):
    candidate = _send(paris_admin, proposal_like, receiver).target
    CommitmentFactory(plan=cocreated, number=1, title="Open contracting")
    url = f"/paris/accountability/plans/2027/candidates/{candidate.pk}/decide/"
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(official)
    assert f"Decide on “{candidate.title}”" in client.get("/paris/accountability/plans/2027/").content.decode()
    refused = client.post(url, {"decision": "adopted", "commitment": "", "reason": "Yes"})
    assert refused.status_code == 400 and "Choose the commitment of this plan" in refused.content.decode()
    done = client.post(url, {"decision": "adopted", "commitment": "1", "reason": "Became commitment 1"})
    assert done.status_code == 302
    with scopes_disabled():
        assert Candidate.objects.get().commitment.number == 1
    assert client.get("/paris/accountability/plans/2027/candidates/999/decide/").status_code == 404
