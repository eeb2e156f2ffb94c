"""The budgets API (mounted at /api/v1/budgets/): budgets with headings, projects, and results per heading."""

from decimal import Decimal
from typing import Annotated

from django.http import Http404
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from plaza.budgets import queries, rules
from plaza.budgets.models import Budget
from plaza.core.api.auth import PUBLIC_READ
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
