"""Reads shared by the budgets pages, API and exports (tenancy applied, related rows loaded up front)."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from plaza.budgets.models import Ballot, BallotLine, Budget, Heading, Project, ResultRow
from plaza.core.models import Attachment
from plaza.core.queries import booths as core_booths
from plaza.core.rows import version_stamp


def budgets_of(jurisdiction, *, include_unpublished: bool = False) -> QuerySet:
    budgets = Budget.objects.with_scope(jurisdiction=jurisdiction).all()
    return budgets if include_unpublished else budgets.filter(is_published=True)


def budget_page(jurisdiction, slug: str, *, include_unpublished: bool = False) -> Budget:
    try:
        return budgets_of(jurisdiction, include_unpublished=include_unpublished).get(slug=slug)
    except Budget.DoesNotExist as missing:
        raise Http404 from missing


def headings_of(budget: Budget) -> list[Heading]:
    return list(Heading.objects.with_scope(jurisdiction=budget.jurisdiction).filter(budget=budget))


def projects_of(
    budget: Budget, *, heading: Heading | None = None, feasibility: str = "", include_hidden: bool = False
) -> QuerySet:
    """The budget's projects the public sees (`include_hidden`: also those a moderator hid when blocking their
    author, for the project's own page, which shows the reason in their place)."""
    projects = (
        Project.objects.with_scope(jurisdiction=budget.jurisdiction)
        .filter(budget=budget)
        .select_related("heading", "budget", "jurisdiction")
        .annotate(support_count=Count("supports"))
        .prefetch_related(Prefetch("attachments", queryset=_images(budget.jurisdiction), to_attr="images"))
    )
    if not include_hidden:
        projects = projects.filter(hidden_reason="")
    if heading is not None:
        projects = projects.filter(heading=heading)
    if feasibility:
        projects = projects.filter(feasibility=feasibility)
    return projects


def _images(jurisdiction) -> QuerySet:
    return (
        Attachment.objects.with_scope(jurisdiction=jurisdiction)
        .filter(mime_type__startswith="image/")
        .select_related("jurisdiction")
        .order_by("created_at", "pk")
    )


def project_page(budget: Budget, pk: int) -> Project:
    try:
        return projects_of(budget, include_hidden=True).get(pk=pk)
    except Project.DoesNotExist as missing:
        raise Http404 from missing


def ballot_of(budget: Budget, person) -> Ballot | None:
    if person is None:
        return None
    return Ballot.objects.with_scope(jurisdiction=budget.jurisdiction).filter(budget=budget, person=person).first()


def ballot_choices(ballot: Ballot | None, heading: Heading) -> dict[int, int]:
    if ballot is None:
        return {}
    lines = BallotLine.objects.with_scope(jurisdiction=heading.jurisdiction).filter(
        ballot=ballot, project__heading=heading
    )
    return {line.project_id: (line.rank or line.points) for line in lines}


def results_of(budget: Budget, heading: Heading, rule: str) -> list[ResultRow]:
    return list(
        ResultRow.objects.with_scope(jurisdiction=budget.jurisdiction)
        .filter(budget=budget, heading=heading, rule=rule)
        .select_related("project")
        .order_by("-selected", "position", "-votes", "project_id")
    )


def ballot_projects_by_heading(budget: Budget, headings: list[Heading]) -> dict[int, list[Project]]:
    """Every heading's ballot projects (those not found unfeasible nor hidden by a moderator), in one query: the
    booth's paper ballot."""
    offered: dict[int, list[Project]] = {h.pk: [] for h in headings}
    projects = (
        Project.objects.with_scope(jurisdiction=budget.jurisdiction)
        .filter(budget=budget, hidden_reason="")
        .exclude(feasibility=Project.Feasibility.UNFEASIBLE)
        .order_by("pk")
    )
    for project in projects:
        offered.setdefault(project.heading_id, []).append(project)
    return offered


def booths_of(budget: Budget) -> QuerySet:
    """The budget's polling booths (core's, keyed by its election key), by name."""
    return core_booths.booths_of(jurisdiction=budget.jurisdiction, election_key=budget.election_key)


def booth_reconciliation(budget: Budget) -> list[dict]:
    """Each booth's end-of-day totals as officers reported them next to the ballots recorded there that day."""
    return core_booths.reconciliation(jurisdiction=budget.jurisdiction, election_key=budget.election_key)


# --- The API ballot's lean path (PostgreSQL) ---------------------------------------------------


def _stamp(*tables: str) -> RawSQL:
    return RawSQL(version_stamp(*tables), [])  # noqa: S611 - table names from the models


@dataclass(frozen=True)
class KeptBudget:
    """A budget as its API ballot is checked against it, kept by the process: its headings and what each offers on
    the ballot (`operations.ballot_projects`), every row with its stamp (`plaza.core.rows.version_stamp`): the
    headings and projects as their `stamp` attribute."""

    budget: Budget
    stamp: str  # the budget's, its jurisdiction's and its component's rows
    level: int | None  # the verification level its component asks for a ballot; None: the operation decides
    headings: dict[str, Heading]  # by slug
    projects: dict[int, dict[int, Project]]  # heading id → the projects its ballot offers, by id


_ballot_budgets: dict[tuple[str, str], KeptBudget] = {}


def kept_ballot_budget(jurisdiction_slug: str, slug: str) -> KeptBudget | None:
    """The published budget `slug` of the active jurisdiction `jurisdiction_slug`, kept per process for the lean
    API ballot (None: no such budget).

    Read from the database the first time only; the lean ballot's statement checks the stamps of the rows it relies
    on, and the caller forgets a budget whose stamps no longer hold (`forget_ballot_budget`). The objects are shared
    between the requests (and threads) of a process: callers only read them. Each row's stamp is read with the row.
    """
    key = (jurisdiction_slug, slug)
    kept = _ballot_budgets.get(key)
    if kept is not None:
        return kept
    from plaza.budgets.operations import budget_ballot_projects
    from plaza.core.models import ComponentInstance, Jurisdiction, Verification
    from plaza.core.permissions import plain_action_level
    from plaza.core.tenancy import across_jurisdictions

    tables = (Budget._meta.db_table, Jurisdiction._meta.db_table, ComponentInstance._meta.db_table)
    with across_jurisdictions():  # named by the address's slug, as `plaza.votes.queries.ballot_votation`
        budget = (
            Budget.objects.select_related("jurisdiction", "component")
            .filter(jurisdiction__slug=jurisdiction_slug, jurisdiction__is_active=True, slug=slug, is_published=True)
            .annotate(stamp=_stamp(*tables))
            .first()
        )
    if budget is None:
        return None
    level = Verification.Level.VERIFIED  # `operations.person_of`'s
    if budget.component is not None:
        asked = plain_action_level(budget.component, "vote")
        level = None if asked is None else max(level, asked)
    headings = list(
        Heading.objects.with_scope(jurisdiction=budget.jurisdiction)
        .filter(budget=budget)
        .annotate(stamp=_stamp(Heading._meta.db_table))
    )
    projects: dict[int, dict[int, Project]] = {}
    for heading in headings:
        heading.budget, heading.jurisdiction = budget, budget.jurisdiction
        projects[heading.pk] = {}
    for project in budget_ballot_projects(budget).annotate(stamp=_stamp(Project._meta.db_table)):
        projects[project.heading_id][project.pk] = project
    kept = KeptBudget(
        budget=budget,
        stamp=budget.stamp,
        level=level,
        headings={h.slug: h for h in headings},
        projects=projects,
    )
    _ballot_budgets[key] = kept
    return kept


def forget_ballot_budget(jurisdiction_slug: str, slug: str) -> None:
    _ballot_budgets.pop((jurisdiction_slug, slug), None)
