"""Demo content: Buenos Aires's co-created 2016 plan, Paris's climate commitments, a small Madrid plan.

Everything goes through the operations (so the public record shows it); a plan already there is left alone.
"""

from datetime import date, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from plaza.accountability import seed_data
from plaza.accountability.models import ActionPlan, PlanStatus
from plaza.accountability.operations import (
    add_forum_member,
    add_milestone,
    create_commitment,
    create_plan,
    grant_partner,
    post_progress_update,
    record_meeting,
    set_plan_status,
)
from plaza.core.demo import DEMO_PASSWORD
from plaza.core.models import Role, RoleGrant, User


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
    set_plan_status(actor=admin, plan=plan, status=PlanStatus.IMPLEMENTATION)
    _progress(official, partner, milestones, spec["commitments"])
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
