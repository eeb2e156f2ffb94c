"""The budgets API (mounted at /api/v1/budgets/): budgets with headings, projects, results per heading, and the
caller's own ballot (cast and edited with a write token, as on the ballot page)."""

from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from plaza.budgets import operations, queries, rules
from plaza.budgets.models import Budget
from plaza.core.api.auth import PUBLIC_READ, SIGNED_IN
from plaza.core.api.pagination import Pagination
from plaza.core.api.schemas import SLUG_PATTERN
from plaza.core.tenancy import jurisdiction_or_404, jurisdiction_scope

router = Router(tags=["budgets"])

Slug = Annotated[str, Path(..., pattern=SLUG_PATTERN, max_length=80)]


class HeadingOut(Schema):
    slug: str
    name: str
    amount: Decimal


class BudgetOut(Schema):
    slug: str
    title: str
    description: str
    currency: str
    total: Decimal = Field(..., description="The budget's money: its total amount, else the sum of its headings")
    phase: str
    ballot_kind: str
    rule: str
    url: str
    headings: list[HeadingOut]

    @staticmethod
    def resolve_url(obj: Budget) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_headings(obj: Budget) -> list:
        return list(obj.headings.all())

    @staticmethod
    def resolve_total(obj: Budget) -> Decimal:
        return obj.total


class ImageOut(Schema):
    title: str = Field(..., description="What the image shows (its alternative text)")
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ProjectOut(Schema):
    id: int
    heading: str
    title: str
    description: str
    cost: Decimal
    estimated_cost: Decimal
    official_cost: Decimal | None
    feasibility: str
    unfeasible_reason: str
    duration_months: int | None
    location: str
    sdgs: list[int]
    supports: int
    url: str
    images: list[ImageOut]

    @staticmethod
    def resolve_images(obj) -> list:
        return list(obj.images)

    @staticmethod
    def resolve_heading(obj) -> str:
        return obj.heading.slug

    @staticmethod
    def resolve_supports(obj) -> int:
        return obj.support_count

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ResultOut(Schema):
    project: int
    title: str
    cost: Decimal
    votes: int
    selected: bool
    position: int | None
    reason: str


class HeadingResultsOut(Schema):
    heading: str
    rule: str
    amount: Decimal
    results: list[ResultOut]


@router.get("/{slug}/budgets", response=list[BudgetOut], openapi_extra=PUBLIC_READ)
@paginate(Pagination)
def list_budgets(request, slug: Slug):
    """The jurisdiction's published participatory budgets with their headings."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        return list(queries.budgets_of(jurisdiction).prefetch_related("headings"))


@router.get("/{slug}/budgets/{budget}/projects", response=list[ProjectOut], openapi_extra=PUBLIC_READ)
@paginate(Pagination)
def list_projects(request, slug: Slug, budget: Slug):
    """Every project of a budget, with its feasibility review (reasons are public) and supports."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        return list(queries.projects_of(queries.budget_page(jurisdiction, budget)).order_by("pk"))


@router.get("/{slug}/budgets/{budget}/results/{heading}", response=HeadingResultsOut, openapi_extra=PUBLIC_READ)
def heading_results(request, slug: Slug, budget: Slug, heading: Slug, rule: str = ""):
    """A finished heading's results by the budget's rule (or `rule`: greedy, mes, mes-complete)."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        found = queries.budget_page(jurisdiction, budget)
        chosen = next((h for h in queries.headings_of(found) if h.slug == heading), None)
        if chosen is None or found.phase != Budget.Phase.FINISHED:
            raise Http404("No results for this heading.")
        rule = rule if rule in rules.RULES else found.rule
        rows = queries.results_of(found, chosen, rule)
        return {
            "heading": chosen.slug,
            "rule": rule,
            "amount": chosen.amount,
            "results": [
                {
                    "project": r.project_id,
                    "title": r.project.title,
                    "cost": r.project.cost,
                    "votes": r.votes,
                    "selected": r.selected,
                    "position": r.position,
                    "reason": r.reason,
                }
                for r in rows
            ],
        }


class BallotIn(Schema):
    choices: dict[str, int] = Field(
        ...,
        description="Project id → 1 for a basket or an approval ballot, the points for a cumulative one, the rank "
        '(1, 2, 3…) for a ranked one: {"12": 1, "15": 1}. The heading\'s whole choice: it replaces what was there.',
    )
    revision: int | None = Field(
        None, description="The revision of the ballot being edited (from GET …/ballot); none for a first ballot"
    )


class BallotOut(Schema):
    budget: str
    channel: str = Field(..., description="online, or booth for a paper ballot recorded by a poll officer (final)")
    revision: int = Field(..., description="Send it back with the next edit: an edit made meanwhile is not lost")
    headings: dict[str, dict[str, int]] = Field(..., description="Heading slug → project id → 1, points or rank")


def _ballot_out(response: HttpResponse, budget: Budget, ballot) -> dict:
    response["Cache-Control"] = "no-store"  # one person's ballot: never kept by a shared cache
    headings = {h.pk: h.slug for h in queries.headings_of(budget)}
    chosen: dict[str, dict[str, int]] = {slug: {} for slug in headings.values()}
    for heading, project, rank, points in ballot.lines.values_list(
        "project__heading_id", "project_id", "rank", "points"
    ):
        chosen[headings[heading]][str(project)] = rank or points
    return {"budget": budget.slug, "channel": ballot.channel, "revision": ballot.revision, "headings": chosen}


def _voter(request, slug: str, budget: str) -> tuple[Budget, object]:
    """The budget and the person the caller's account is verified as in its jurisdiction (or a refusal)."""
    jurisdiction = jurisdiction_or_404(slug)
    found = queries.budget_page(jurisdiction, budget)
    request.auth.require_act_in(jurisdiction)
    person = operations.person_of(request.auth.user, jurisdiction)
    if person is None:
        raise PermissionDenied(_("Verify your identity with the census to take part."))
    return found, person


@router.get("/{slug}/budgets/{budget}/ballot", response=BallotOut, auth=SIGNED_IN)
def my_ballot(request, response: HttpResponse, slug: Slug, budget: Slug):
    """The caller's own ballot in this budget, every heading's choices (404 before the first is cast)."""
    found, person = _voter(request, slug, budget)
    with jurisdiction_scope(found.jurisdiction):
        ballot = queries.ballot_of(found, person)
        if ballot is None:
            raise Http404(_("You have not cast a ballot in this budget yet."))
        return _ballot_out(response, found, ballot)


@router.post("/{slug}/budgets/{budget}/ballot/{heading}", response={200: BallotOut, 201: BallotOut}, auth=SIGNED_IN)
def cast_heading_ballot(request, response: HttpResponse, slug: Slug, budget: Slug, heading: Slug, body: BallotIn):
    """Fill one heading of the caller's ballot (a token with the write scope): 201 when it casts the ballot, 200
    when it edits it (send the `revision` read last). Refused with 422, nothing written: a basket over the
    heading's amount, a project of another heading, a ballot outside balloting, a second ballot without `revision`
    (one person, one ballot: another account of the same person or a booth included), a stale `revision`."""
    jurisdiction = jurisdiction_or_404(slug)
    request.auth.require_write(jurisdiction)
    found = queries.budget_page(jurisdiction, budget)
    with jurisdiction_scope(jurisdiction):
        chosen = next((h for h in queries.headings_of(found) if h.slug == heading), None)
        if chosen is None:
            raise Http404(_("This budget has no such heading."))
        choices = _choices(body.choices)
        ballot = operations.cast_ballot(
            actor=request.auth.user, budget=found, heading=chosen, choices=choices, revision=body.revision
        )
        out = _ballot_out(response, found, ballot)
    return Status(201 if body.revision is None else 200, out)


def _choices(raw: dict[str, int]) -> dict[int, int]:
    if any(not key.isdigit() for key in raw):
        raise ValidationError({"choices": [_("Name each chosen project by its id (a whole number).")]})
    if any(value < 1 for value in raw.values()):
        raise ValidationError({"choices": [_("Give each chosen project 1 or more (its points or its rank).")]})
    return {int(key): value for key, value in raw.items()}
