"""Demo content: Buenos Aires's co-created 2016 plan, Paris's climate commitments, a small Madrid plan.

Everything goes through the operations (so the public record shows it); a plan already there is left alone.
"""

from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plaza.accountability import seed_data
from plaza.accountability.models import ActionPlan, CandidateDecision, Commitment, PlanStatus
from plaza.accountability.operations import (
    add_candidate,
    add_commitment_evidence,
    add_forum_member,
    add_milestone,
    create_commitment,
    create_plan,
    create_result,
    decide_candidate,
    grant_partner,
    parse_money,
    post_progress_update,
    record_assessment,
    record_meeting,
    set_plan_status,
    update_result,
)
from plaza.core.demo import DEMO_PASSWORD
from plaza.core.models import Role, RoleGrant, User
from plaza.core.operations.links import link_content


def seed(jurisdiction, process, component) -> None:
    spec = seed_data.plan_for(jurisdiction.slug)
    if spec is None or ActionPlan.objects.with_scope(jurisdiction=jurisdiction).filter(slug=spec["slug"]).exists():
        return
    admin = _account(f"admin.{jurisdiction.slug}@demo.plaza", f"{jurisdiction.name} admin")
    RoleGrant.objects.get_or_create(jurisdiction=jurisdiction, user=admin, role=Role.ADMIN, process=None)
    official = _account(f"official.{jurisdiction.slug}@demo.plaza", spec["official"])
    RoleGrant.objects.get_or_create(
        jurisdiction=jurisdiction, user=official, role=Role.OFFICIAL, process=None, defaults={"granted_by": admin}
    )
    partner = _account(f"partner.{jurisdiction.slug}@demo.plaza", spec["partner"][0])
    plan = create_plan(
        actor=admin,
        jurisdiction=jurisdiction,
        slug=spec["slug"],
        title=spec["title"],
        period_start=spec["period"][0],
        period_end=spec["period"][1],
        description=spec["description"],
    )
    grant_partner(actor=admin, plan=plan, user=partner, organisation=spec["partner"][1])
    _co_creation(official, plan, spec)
    milestones = _commitments(official, plan, spec["commitments"])
    _candidates(official, plan, spec.get("candidates", ()))
    set_plan_status(actor=admin, plan=plan, status=PlanStatus.IMPLEMENTATION)
    _progress(official, partner, milestones, spec["commitments"])
    _evidence(official, plan, spec.get("evidence", ()))
    _results(official, plan, spec.get("results", ()))
    if spec.get("assessments"):
        assessor = _account(f"assessor.{jurisdiction.slug}@demo.plaza", "Independent Reporting Mechanism (demo)")
        RoleGrant.objects.get_or_create(
            jurisdiction=jurisdiction, user=assessor, role=Role.ASSESSOR, process=None, defaults={"granted_by": admin}
        )
        _assessments(assessor, plan, spec["assessments"])
    if spec.get("closed"):
        set_plan_status(actor=admin, plan=plan, status=PlanStatus.CLOSED)


def _account(email: str, public_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, public_name=public_name)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _co_creation(official, plan, spec) -> None:
    for name, organisation, sector, role in spec["forum"]:
        add_forum_member(actor=official, plan=plan, name=name, organisation=organisation, sector=sector, role=role)
    for title, held_on, place, attendees, minutes in spec["meetings"]:
        record_meeting(
            actor=official, plan=plan, title=title, held_on=held_on, place=place, attendees=attendees, minutes=minutes
        )


def _commitments(official, plan, commitments) -> list[list]:
    milestones = []
    for spec in commitments:
        commitment = create_commitment(actor=official, plan=plan, **spec["fields"])
        milestones.append(
            [
                add_milestone(actor=official, commitment=commitment, deliverable=deliverable, due_date=due)
                for deliverable, due, _updates in spec["milestones"]
            ]
        )
    return milestones


def _progress(official, partner, milestones, commitments) -> None:
    actors = {"government": official, "civil_society": partner}
    for row, spec in zip(milestones, commitments, strict=True):
        for milestone, (_deliverable, _due, updates) in zip(row, spec["milestones"], strict=True):
            for side, status, percentage, on, narrative, links in updates:
                post_progress_update(
                    actor=actors[side],
                    milestone=milestone,
                    side=side,
                    status=status,
                    percentage=percentage,
                    narrative=narrative,
                    links=links,
                    now=_at(on),
                )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(min(day, timezone.localdate() - timedelta(days=1)), time(12)))


def _commitment(plan, number: int) -> Commitment:
    return (
        Commitment.objects.with_scope(jurisdiction=plan.jurisdiction)
        .select_related("plan")
        .get(plan=plan, number=number)
    )


def _candidates(official, plan, candidates) -> None:
    for title, summary, number, reason in candidates:
        candidate = add_candidate(actor=official, plan=plan, title=title, summary=summary)
        decision = CandidateDecision.ADOPTED if number else CandidateDecision.DECLINED
        commitment = _commitment(plan, number) if number else None
        decide_candidate(actor=official, candidate=candidate, decision=decision, reason=reason, commitment=commitment)


def _evidence(official, plan, evidence) -> None:
    for number, title in evidence:
        document = b"%PDF-1.4\n% Plaza demo evidence\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
        upload = SimpleUploadedFile(f"evidence-{plan.slug}-{number}.pdf", document, content_type="application/pdf")
        add_commitment_evidence(actor=official, commitment=_commitment(plan, number), upload=upload, title=title)


def _results(official, plan, results) -> None:
    for number, external_id, status, progress, spent, currency, note in results:
        commitment = _commitment(plan, number)
        result = create_result(
            actor=official,
            jurisdiction=plan.jurisdiction,
            title=commitment.title,
            external_id=external_id,
            currency=currency,
        )
        link_content(actor=official, kind="result", source=commitment, target=result, note=note)
        update_result(
            actor=official,
            result=result,
            status=status,
            progress=progress,
            budget_spent_minor=parse_money(spent),
            note=note,
        )


def _assessments(assessor, plan, assessments) -> None:
    for number, relevance, impact, completion, opened, justification in assessments:
        record_assessment(
            actor=assessor,
            commitment=_commitment(plan, number),
            relevance=relevance,
            potential_impact=impact,
            completion=completion,
            opened_government=opened,
            justification=justification,
        )
