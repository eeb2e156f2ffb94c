"""Accountability's JSON API at /api/v1/accountability/: plans, commitments with progress, posting updates."""

from datetime import date, datetime
from typing import Annotated

from django.http import Http404
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from plaza.accountability import queries
from plaza.accountability.models import (
    ActionPlan,
    Commitment,
    Milestone,
    OpenedGovernment,
    PlanStatus,
    PotentialImpact,
    ProgressStatus,
    Relevance,
    Result,
    ResultStatus,
    Side,
)
from plaza.accountability.operations import post_progress_update, record_assessment
from plaza.core.api.auth import PUBLIC_READ, SIGNED_IN
from plaza.core.api.pagination import Pagination
from plaza.core.api.schemas import SLUG_PATTERN
from plaza.core.models import Jurisdiction
from plaza.core.tenancy import jurisdiction_or_404, jurisdiction_scope

router = Router(tags=["accountability"])

Slug = Annotated[str, Path(..., pattern=SLUG_PATTERN, max_length=80)]
Number = Annotated[int, Path(..., ge=1, le=queries.LARGEST_NUMBER)]


class PlanOut(Schema):
    slug: str
    title: str
    description: str
    period_start: date
    period_end: date
    status: PlanStatus
    url: str

    @staticmethod
    def resolve_url(obj: ActionPlan | dict) -> str:
        return obj["url"] if isinstance(obj, dict) else obj.get_absolute_url()


class CommitmentSummaryOut(Schema):
    number: int
    title: str
    lead_institution: str
    completion: int = Field(..., description="The government's assessment: mean of the milestones' current percentages")
    civil_society_completion: int | None = Field(None, description="The same from civil society's counter-assessments")
    url: str


class PlanDetailOut(PlanOut):
    commitments: list[CommitmentSummaryOut]


class UpdateOut(Schema):
    id: int
    side: Side
    status: ProgressStatus
    percentage: int
    narrative: str
    links: list[str]
    posted_by: str
    organisation: str
    posted_at: datetime
    supersedes: int | None


class MilestoneOut(Schema):
    position: int
    deliverable: str
    due_date: date
    government: UpdateOut | None
    civil_society: UpdateOut | None
    history: list[UpdateOut]


class CommitmentOut(Schema):
    plan: str
    number: int
    title: str
    problem: str
    description: str
    contribution: str
    ogp_values: list[str]
    policy_areas: list[str]
    lead_institution: str
    supporting_government: list[str]
    supporting_civil_society: list[str]
    start_date: date
    end_date: date
    completion: int
    civil_society_completion: int | None
    milestones: list[MilestoneOut]
    url: str


class ProgressIn(Schema):
    side: Side
    status: ProgressStatus
    percentage: int = Field(..., ge=0, le=100)
    narrative: str = Field(..., min_length=1, max_length=10000)
    links: list[Annotated[str, Field(max_length=2000)]] = Field(default_factory=list, max_length=10)


def _plan(jurisdiction: Jurisdiction, slug: str) -> ActionPlan:
    try:
        return queries.plan(jurisdiction, slug)
    except ActionPlan.DoesNotExist as missing:
        raise Http404("No such action plan.") from missing


def _update(update) -> dict | None:
    if update is None:
        return None
    return {
        "id": update.pk,
        "side": update.side,
        "status": update.status,
        "percentage": update.percentage,
        "narrative": update.narrative,
        "links": update.links,
        "posted_by": update.author_label,
        "organisation": update.organisation,
        "posted_at": update.created_at,
        "supersedes": update.supersedes_id,
    }


def _summary(item: queries.CommitmentProgress) -> dict:
    c = item.commitment
    return {
        "number": c.number,
        "title": c.title,
        "lead_institution": c.lead_institution,
        "completion": item.completion,
        "civil_society_completion": item.civil_society_completion,
        "url": c.get_absolute_url(),
    }


@router.get("/{jurisdiction}/plans", response=list[PlanOut], openapi_extra=PUBLIC_READ)
@paginate(Pagination)
def list_plans(request, jurisdiction: Slug):
    """The jurisdiction's open government action plans, newest first."""
    return queries.plans_of(jurisdiction_or_404(jurisdiction))


@router.get("/{jurisdiction}/plans/{plan}", response=PlanDetailOut, openapi_extra=PUBLIC_READ)
def get_plan(request, jurisdiction: Slug, plan: Slug):
    """One plan with its commitments and their completion (government's and civil society's)."""
    j = jurisdiction_or_404(jurisdiction)
    with jurisdiction_scope(j):
        found = _plan(j, plan)
        fields = ("slug", "title", "description", "period_start", "period_end", "status")
        return {
            **{name: getattr(found, name) for name in fields},
            "url": found.get_absolute_url(),
            "commitments": [_summary(i) for i in queries.plan_progress(found)],
        }


@router.get("/{jurisdiction}/plans/{plan}/commitments/{number}", response=CommitmentOut, openapi_extra=PUBLIC_READ)
def get_commitment(request, jurisdiction: Slug, plan: Slug, number: Number):
    """A commitment with OGP's fields, its milestones, both current assessments and every update."""
    j = jurisdiction_or_404(jurisdiction)
    with jurisdiction_scope(j):
        try:
            item = queries.commitment_progress(_plan(j, plan), number)
        except Commitment.DoesNotExist as missing:
            raise Http404("No such commitment.") from missing
        return _commitment(item)


def _commitment(item: queries.CommitmentProgress) -> dict:
    c = item.commitment
    fields = ("number", "title", "problem", "description", "contribution", "ogp_values", "policy_areas")
    more = ("lead_institution", "supporting_government", "supporting_civil_society", "start_date", "end_date")
    return {
        **{name: getattr(c, name) for name in fields + more},
        "plan": c.plan.slug,
        "completion": item.completion,
        "civil_society_completion": item.civil_society_completion,
        "url": c.get_absolute_url(),
        "milestones": [
            {
                "position": m.milestone.position,
                "deliverable": m.milestone.deliverable,
                "due_date": m.milestone.due_date,
                "government": _update(m.government),
                "civil_society": _update(m.civil_society),
                "history": [_update(u) for u in m.history],
            }
            for m in item.milestones
        ],
    }


@router.post(
    "/{jurisdiction}/plans/{plan}/commitments/{number}/milestones/{position}/progress",
    response={201: UpdateOut},
    auth=SIGNED_IN,
)
def post_progress(request, jurisdiction: Slug, plan: Slug, number: Number, position: Number, payload: ProgressIn):
    """Post a progress update (officials: the government's; the plan's partners: civil society's)."""
    j = jurisdiction_or_404(jurisdiction)
    request.auth.require_write(j)
    with jurisdiction_scope(j):
        try:
            milestone = queries.milestone(_plan(j, plan), number, position)
        except Milestone.DoesNotExist as missing:
            raise Http404("No such milestone.") from missing
        update = post_progress_update(actor=request.auth.user, milestone=milestone, **payload.dict())
    return Status(201, _update(update))


class AssessmentOut(Schema):
    id: int
    commitment: int
    relevance: Relevance
    potential_impact: PotentialImpact
    completion: ProgressStatus
    opened_government: OpenedGovernment = Field(..., description="IRM's “Did it open government?”")
    justification: str
    assessed_by: str
    assessed_at: datetime
    supersedes: int | None
    is_current: bool


class AssessmentIn(Schema):
    relevance: Relevance
    potential_impact: PotentialImpact
    completion: ProgressStatus
    opened_government: OpenedGovernment
    justification: str = Field(..., min_length=1, max_length=20000)


def _assessment(a, is_current: bool) -> dict:
    return {
        "id": a.pk,
        "commitment": a.commitment.number,
        "relevance": a.relevance,
        "potential_impact": a.potential_impact,
        "completion": a.completion,
        "opened_government": a.opened_government,
        "justification": a.justification,
        "assessed_by": a.assessor_label,
        "assessed_at": a.created_at,
        "supersedes": a.supersedes_id,
        "is_current": is_current,
    }


@router.get("/{jurisdiction}/plans/{plan}/assessments", response=list[AssessmentOut], openapi_extra=PUBLIC_READ)
def list_assessments(request, jurisdiction: Slug, plan: Slug):
    """The independent assessment of a plan: every commitment's ratings, the current one first, with history."""
    j = jurisdiction_or_404(jurisdiction)
    with jurisdiction_scope(j):
        found = _plan(j, plan)
        numbers = {c.pk: c for c in Commitment.objects.filter(plan=found)}
        rows = []
        for commitment_id, history in sorted(
            queries.assessments_of(found).items(), key=lambda pair: numbers[pair[0]].number
        ):
            for position, a in enumerate(history):
                a.commitment = numbers[commitment_id]
                rows.append(_assessment(a, position == 0))
        return rows


@router.post(
    "/{jurisdiction}/plans/{plan}/commitments/{number}/assessments",
    response={201: AssessmentOut},
    auth=SIGNED_IN,
)
def post_assessment(request, jurisdiction: Slug, plan: Slug, number: Number, payload: AssessmentIn):
    """Record an independent assessment of a commitment (the jurisdiction's assessors only)."""
    j = jurisdiction_or_404(jurisdiction)
    request.auth.require_write(j)
    with jurisdiction_scope(j):
        found = _plan(j, plan)
        commitment = Commitment.objects.filter(plan=found, number=number).select_related("plan", "jurisdiction").first()
        if commitment is None:
            raise Http404("No such commitment.")
        created = record_assessment(actor=request.auth.user, commitment=commitment, **payload.dict())
    return Status(201, _assessment(created, True))


class TrackedOut(Schema):
    title: str
    url: str


class ResultOut(Schema):
    id: int
    external_id: str
    title: str
    status: ResultStatus
    progress: int
    budget_spent: str | None = Field(None, description='Decimal string in `currency`, e.g. "125000.50"')
    currency: str
    tracks: list[TrackedOut]
    updated_at: datetime
    url: str


def _result(result: Result) -> dict:
    return {
        "id": result.pk,
        "external_id": result.external_id,
        "title": result.title,
        "status": result.status,
        "progress": result.progress,
        "budget_spent": None if result.budget_spent is None else f"{result.budget_spent:.2f}",
        "currency": result.currency,
        "tracks": [
            {"title": str(source), "url": source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""}
            for source in result.tracks
        ],
        "updated_at": result.updated_at,
        "url": result.get_absolute_url(),
    }


@router.get("/{jurisdiction}/results", response=list[ResultOut], openapi_extra=PUBLIC_READ)
@paginate(Pagination)
def list_results(request, jurisdiction: Slug):
    """What became of each decision: every tracked result with what it follows."""
    j = jurisdiction_or_404(jurisdiction)
    with jurisdiction_scope(j):
        return [_result(r) for r in queries.results_of(j)]


@router.get("/{jurisdiction}/results/{result_id}", response=ResultOut, openapi_extra=PUBLIC_READ)
def get_result(request, jurisdiction: Slug, result_id: Annotated[int, Path(..., ge=1)]):
    j = jurisdiction_or_404(jurisdiction)
    with jurisdiction_scope(j):
        try:
            return _result(queries.result(j, result_id))
        except Result.DoesNotExist as missing:
            raise Http404("No such result.") from missing
