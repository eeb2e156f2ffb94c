"""Every write of the budgets app: budgets and headings, projects and their review, supports, ballots, results.

Ballots go through `plaza.core.roll.cast_once`: the person goes on the budget's roll and the ballot
is written in one transaction, once, whatever the channel. A person's later submissions edit that
same ballot: the row is locked, the submission must carry the revision it was made from (so a
form sent twice, or from two windows, changes the ballot once and the stale copy is refused), the
heading's lines are replaced and the revision goes up by one, in one transaction.
"""

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plaza.budgets import pabulib, queries, rules
from plaza.budgets.models import Ballot, BallotLine, Budget, Heading, Project, ResultRow, Support
from plaza.core.audit import record
from plaza.core.geo import make_point
from plaza.core.models import (
    Booth,
    BoothTotal,
    ComponentInstance,
    Jurisdiction,
    Person,
    Role,
    Verification,
)
from plaza.core.money import format_money
from plaza.core.operations import booths as core_booths
from plaza.core.operations.api_tokens import token_use_sql
from plaza.core.operations.attachments import attach_file
from plaza.core.operations.identity import verify_in_person
from plaza.core.operations.moderation import refuse_if_blocked
from plaza.core.permissions import component_action_allowed, has_role, require_role
from plaza.core.prepared import prepared_cursor
from plaza.core.queries.api_tokens import holder_params, holder_sql
from plaza.core.roll import AlreadyVoted, Channel, cast_once, first_vote_sql
from plaza.core.rows import version_stamp
from plaza.core.tenancy import jurisdiction_scope


def _in_scope(jurisdiction_of: Callable[[dict], Jurisdiction]):
    """Run the operation inside the jurisdiction's scope (called from views, the API, seeds and tests)."""

    def decorate(operation):
        @wraps(operation)
        def scoped(**kwargs):
            with jurisdiction_scope(jurisdiction_of(kwargs)):
                return operation(**kwargs)

        return scoped

    return decorate


def person_of(user, jurisdiction: Jurisdiction) -> Person | None:
    """The verified person behind a signed-in account in this jurisdiction, if any."""
    if user is None or not user.is_authenticated:
        return None
    verification = (
        Verification.objects.with_scope(jurisdiction=jurisdiction)
        .filter(user=user, level__gte=Verification.Level.VERIFIED)
        .select_related("person")
        .first()
    )
    return verification.person if verification else None


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: _("Enter an amount of money.")}) from error
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    return amount.quantize(Decimal("0.01"))


def _require_phase(budget: Budget, *phases: str) -> None:
    if budget.phase not in phases:
        names = ", ".join(str(Budget.Phase(p).label) for p in phases)
        raise ValidationError(
            _("This budget is in the phase “%(now)s”; this can only be done in: %(phases)s.")
            % {"now": budget.get_phase_display(), "phases": names},
            code="phase",
        )


# --- Setting up -------------------------------------------------------------------------------


def is_budget_admin(user, budget: Budget) -> bool:
    """A jurisdiction admin, or an admin of the process the budget's component sits in."""
    if user is None or not user.is_authenticated:
        return False
    process = budget.component.process if budget.component_id else None
    return has_role(user, budget.jurisdiction, Role.ADMIN, process=process)


def _require_budget_admin(actor, budget: Budget) -> None:
    if not is_budget_admin(actor, budget):
        raise PermissionDenied(_("You do not have the role needed for this."))


RESERVED_SLUGS = frozenset({"new", "export"})  # addresses under /<j>/budgets/ that are pages, not budgets
LIMITS = ("supports_per_heading", "max_choices", "max_points")
SETUP_FIELDS = ("title", "description", "amount", "currency", "ballot_kind", "rule", "is_published", *LIMITS)
# Once balloting opens, the money and the shape of the ballot are what residents are voting on.
MONEY_FIXED = ("balloting", "reviewing_ballots", "finished")


def _check_setup(values: dict) -> dict:
    """The budget's settings cleaned, or a ValidationError naming every wrong field."""
    errors, clean = {}, dict(values)
    clean["title"] = (values.get("title") or "").strip()
    if not clean["title"]:
        errors["title"] = _("Give the budget a title.")
    currency = (values.get("currency") or "").strip().upper()
    if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        errors["currency"] = _("Give the currency as three letters (EUR, ARS).")
    clean["currency"] = currency
    if values.get("ballot_kind") not in Budget.BallotKind.values:
        errors["ballot_kind"] = _("Choose a kind of ballot.")
    if values.get("rule") not in Budget.Rule.values:
        errors["rule"] = _("Choose a winner rule.")
    for name in LIMITS:
        try:
            clean[name] = int(values.get(name))
        except (TypeError, ValueError):
            clean[name] = 0
        if not 1 <= clean[name] <= 1000:
            errors[name] = _("Enter a whole number from 1 to 1000.")
    if values.get("amount") in (None, ""):
        clean["amount"] = None
    else:
        try:
            clean["amount"] = _money(values["amount"], "amount")
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return clean


def _check_fits(total: Decimal | None, amounts, currency: str) -> None:
    """The headings' amounts must add up to no more than the budget's total (when it has one)."""
    spent = sum(amounts, Decimal(0))
    if total is not None and spent > total:
        raise ValidationError(
            {
                "amount": _(
                    "The headings add up to %(sum)s but the budget's total is %(total)s: "
                    "lower a heading or raise the total."
                )
                % {"sum": format_money(spent, currency), "total": format_money(total, currency)}
            },
            code="over_total",
        )


@_in_scope(lambda kw: kw["jurisdiction"])
def create_budget(
    *,
    actor,
    jurisdiction: Jurisdiction,
    title: str,
    headings: list[tuple[str, Decimal | int | str]],
    slug: str = "",
    description: str = "",
    amount: Decimal | int | str | None = None,
    currency: str = "EUR",
    ballot_kind: str = Budget.BallotKind.KNAPSACK,
    rule: str = Budget.Rule.GREEDY,
    component: ComponentInstance | None = None,
    supports_per_heading: int = 10,
    max_choices: int = 3,
    max_points: int = 10,
    is_published: bool = True,
) -> Budget:
    require_role(actor, jurisdiction, Role.ADMIN, process=component.process if component else None)
    clean = _check_setup(
        {
            "title": title,
            "description": description,
            "amount": amount,
            "currency": currency,
            "ballot_kind": ballot_kind,
            "rule": rule,
            "is_published": is_published,
            "supports_per_heading": supports_per_heading,
            "max_choices": max_choices,
            "max_points": max_points,
        }
    )
    if not headings:
        raise ValidationError({"headings": _("Give the budget at least one heading with its amount.")})
    amounts = [(name.strip(), _money(amount, "headings")) for name, amount in headings]
    if any(not name for name, _amount in amounts) or len({n for n, _a in amounts}) != len(amounts):
        raise ValidationError({"headings": _("Each heading needs a name of its own.")})
    try:
        _check_fits(clean["amount"], [a for _n, a in amounts], clean["currency"])
    except ValidationError as error:
        raise ValidationError({"headings": error.message_dict["amount"]}) from error
    slug = slug or slugify(title)[:80] or "budget"
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This address is taken by a page: choose another.")}, code="reserved")
    if Budget.objects.filter(jurisdiction=jurisdiction, slug=slug).exists():
        raise ValidationError({"slug": _("Another budget already has this address.")}, code="duplicate")
    with transaction.atomic():
        budget = Budget.objects.create(jurisdiction=jurisdiction, component=component, slug=slug, **clean)
        Heading.objects.bulk_create(
            Heading(
                jurisdiction=jurisdiction,
                budget=budget,
                slug=slugify(name)[:80] or f"heading-{n}",
                name=name,
                amount=amount,
                position=n,
            )
            for n, (name, amount) in enumerate(amounts, start=1)
        )
        record(jurisdiction=jurisdiction, actor=actor, action="budgets.create", target=budget, public=True)
    return budget


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def update_budget(*, actor, budget: Budget, **values) -> Budget:
    """Change a budget's settings (its address never changes: people bookmark it).

    `values` are any of SETUP_FIELDS; the rest keep their current value. The kind of ballot cannot
    change once someone has balloted, nor the money once balloting has opened.
    """
    _require_budget_admin(actor, budget)
    unknown = set(values) - set(SETUP_FIELDS)
    if unknown:
        raise TypeError(f"update_budget() got unknown settings: {sorted(unknown)}")
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        before = {name: getattr(budget, name) for name in SETUP_FIELDS}
        clean = _check_setup(before | values)
        errors = {}
        if clean["ballot_kind"] != budget.ballot_kind and budget.ballots.exists():
            errors["ballot_kind"] = _("Residents have already balloted: the kind of ballot cannot change.")
        if clean["amount"] != budget.amount and budget.phase in MONEY_FIXED:
            errors["amount"] = _("The money is fixed once balloting has opened.")
        if errors:
            raise ValidationError(errors)
        _check_fits(clean["amount"], budget.headings.values_list("amount", flat=True), clean["currency"])
        changed = {name: (before[name], clean[name]) for name in SETUP_FIELDS if before[name] != clean[name]}
        for name, value in clean.items():
            setattr(budget, name, value)
        budget.save(update_fields=list(SETUP_FIELDS))
        record(
            jurisdiction=budget.jurisdiction,
            actor=actor,
            action="budgets.update",
            target=budget,
            data={name: [str(old), str(new)] for name, (old, new) in changed.items()},
            public=True,
        )
    return budget


def _check_heading(budget: Budget, name: str, amount, *, heading: Heading | None = None) -> tuple[str, Decimal]:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the heading a name.")
    elif len(name) > 200:
        errors["name"] = _("Keep the name under %(max)s characters.") % {"max": 200}
    elif budget.headings.exclude(pk=heading.pk if heading else None).filter(name=name).exists():
        errors["name"] = _("Another heading of this budget has this name.")
    try:
        amount = _money(amount, "amount")
    except ValidationError as error:
        errors.update(error.message_dict)
    if budget.phase in MONEY_FIXED:
        errors["__all__"] = [_("The headings are fixed once balloting has opened.")]
    if errors:
        raise ValidationError(errors)
    others = budget.headings.exclude(pk=heading.pk if heading else None).values_list("amount", flat=True)
    _check_fits(budget.amount, [*others, amount], budget.currency)
    return name, amount


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def add_heading(*, actor, budget: Budget, name: str, amount) -> Heading:
    _require_budget_admin(actor, budget)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)  # one change of the money at a time
        name, amount = _check_heading(budget, name, amount)
        base, taken = slugify(name)[:70] or "heading", set(budget.headings.values_list("slug", flat=True))
        slug = next(s for n in range(1, len(taken) + 2) if (s := base if n == 1 else f"{base}-{n}") not in taken)
        position = max(budget.headings.values_list("position", flat=True), default=0) + 1
        heading = Heading.objects.create(
            jurisdiction=budget.jurisdiction, budget=budget, slug=slug, name=name, amount=amount, position=position
        )
        record(
            jurisdiction=budget.jurisdiction,
            actor=actor,
            action="budgets.heading_add",
            target=budget,
            data={"heading": name, "amount": str(amount)},
            public=True,
        )
    return heading


@_in_scope(lambda kw: kw["heading"].jurisdiction)
def update_heading(*, actor, heading: Heading, name: str, amount) -> Heading:
    """Rename a heading or change its money (its address stays)."""
    _require_budget_admin(actor, heading.budget)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=heading.budget_id)
        name, amount = _check_heading(budget, name, amount, heading=heading)
        before = {"name": heading.name, "amount": str(heading.amount)}
        heading.name, heading.amount = name, amount
        heading.save(update_fields=["name", "amount"])
        record(
            jurisdiction=budget.jurisdiction,
            actor=actor,
            action="budgets.heading_update",
            target=budget,
            data={"before": before, "after": {"name": name, "amount": str(amount)}},
            public=True,
        )
    return heading


@_in_scope(lambda kw: kw["heading"].jurisdiction)
def remove_heading(*, actor, heading: Heading) -> None:
    """Remove a heading without projects, before balloting opens; a budget keeps at least one."""
    _require_budget_admin(actor, heading.budget)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=heading.budget_id)
        if budget.phase in MONEY_FIXED:
            raise ValidationError(_("The headings are fixed once balloting has opened."))
        if heading.projects.exists():
            raise ValidationError(
                _("“%(name)s” has projects: move or remove them before removing the heading.") % {"name": heading.name}
            )
        if budget.headings.count() <= 1:
            raise ValidationError(_("A budget needs at least one heading."))
        record(
            jurisdiction=budget.jurisdiction,
            actor=actor,
            action="budgets.heading_remove",
            target=budget,
            data={"heading": heading.name, "amount": str(heading.amount)},
            public=True,
        )
        heading.delete()


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def set_phase(*, actor, budget: Budget, phase: str) -> Budget:
    """Move the budget to a phase; finishing it computes the results by every rule."""
    _require_budget_admin(actor, budget)
    if phase not in Budget.Phase.values:
        raise ValidationError({"phase": _("Unknown phase.")})
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        budget.phase = phase
        budget.save(update_fields=["phase"])
        if phase == Budget.Phase.FINISHED:
            _compute_results(budget)
        record(
            jurisdiction=budget.jurisdiction,
            actor=actor,
            action="budgets.phase",
            target=budget,
            data={"phase": phase},
            public=True,
        )
    return budget


# --- Projects ---------------------------------------------------------------------------------


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def submit_project(
    *,
    actor,
    budget: Budget,
    heading: Heading,
    title: str,
    description: str,
    estimated_cost,
    organisation: str = "",
    location: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    sdgs: list[int] | tuple[int, ...] = (),
) -> Project:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to submit a project."))
    refuse_if_blocked(actor, budget.jurisdiction)
    _require_phase(budget, Budget.Phase.ACCEPTING)
    errors = {}
    if heading.budget_id != budget.pk:
        errors["heading"] = _("Choose one of this budget's headings.")
    if not title.strip():
        errors["title"] = _("Give the project a title.")
    if not description.strip():
        errors["description"] = _("Describe the project.")
    if any(not (1 <= int(g) <= 17) for g in sdgs):
        errors["sdgs"] = _("Sustainable Development Goals are numbered 1 to 17.")
    if (latitude is None) != (longitude is None):
        errors["location"] = _("Give both a latitude and a longitude, or neither.")
    elif latitude is not None:
        try:
            make_point(latitude, longitude)
        except ValidationError as error:
            errors["location"] = error.messages
    try:
        cost = _money(estimated_cost, "estimated_cost")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = Project.objects.create(
            jurisdiction=budget.jurisdiction,
            budget=budget,
            heading=heading,
            title=title.strip(),
            description=description.strip(),
            author=actor,
            organisation=organisation.strip(),
            estimated_cost=cost,
            location=location.strip(),
            latitude=latitude,
            longitude=longitude,
            sdgs=sorted({int(g) for g in sdgs}),
        )
        record(jurisdiction=budget.jurisdiction, actor=actor, action="budgets.project", target=project, public=True)
    return project


@_in_scope(lambda kw: kw["project"].jurisdiction)
def review_project(
    *,
    actor,
    project: Project,
    feasible: bool,
    reason: str = "",
    official_cost=None,
    duration_months: int | None = None,
) -> Project:
    """A valuator's feasibility review: unfeasible needs a public reason; feasible may give an official cost."""
    require_role(actor, project.jurisdiction, Role.VALUATOR, Role.ADMIN)
    _require_phase(project.budget, Budget.Phase.ACCEPTING, Budget.Phase.REVIEWING)
    if not feasible and not reason.strip():
        raise ValidationError({"reason": _("Say publicly why the project is unfeasible.")})
    cost = _money(official_cost, "official_cost") if official_cost not in (None, "") else None
    with transaction.atomic():
        project.feasibility = Project.Feasibility.FEASIBLE if feasible else Project.Feasibility.UNFEASIBLE
        project.unfeasible_reason = "" if feasible else reason.strip()
        project.official_cost = cost
        project.duration_months = duration_months
        project.valued_by = actor
        project.save()
        record(
            jurisdiction=project.jurisdiction,
            actor=actor,
            action="budgets.review",
            target=project,
            data={"feasibility": project.feasibility},
            public=True,
        )
    return project


IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")
MAX_IMAGES = 6
IMAGE_PHASES = (Budget.Phase.ACCEPTING, Budget.Phase.REVIEWING)


def _budgets_component(budget: Budget) -> ComponentInstance | None:
    """The component whose `attach` action governs residents' images: the budget's, else the jurisdiction's first."""
    if budget.component_id:
        return budget.component
    return (
        ComponentInstance.objects.with_scope(jurisdiction=budget.jurisdiction)
        .filter(manifest_name="budgets")
        .order_by("pk")
        .first()
    )


@_in_scope(lambda kw: kw["project"].jurisdiction)
def add_project_image(*, actor, project: Project, upload, title: str):
    """The project's author (while projects are accepted or reviewed) or a budget admin adds an image.

    Core's `attach_file` checks the content, the size and strips the image's metadata; only images
    are taken here, and a project keeps at most MAX_IMAGES.
    """
    budget = project.budget
    if is_budget_admin(actor, budget):
        component, action = None, None
    else:
        if actor is None or not actor.is_authenticated or project.author_id != actor.pk:
            raise PermissionDenied(_("Only the project's author or the budget's admins can add images."))
        _require_phase(budget, *IMAGE_PHASES)
        component, action = _budgets_component(budget), "attach"
        if component is None:
            raise PermissionDenied(_("Only the budget's admins can add images to this budget's projects."))
    name = getattr(upload, "name", "") or ""
    if upload is not None and not name.lower().endswith(IMAGE_EXTENSIONS):
        raise ValidationError({"upload": _("Only images can be added to a project: PNG, JPEG or WebP.")}, code="type")
    if project.attachments.filter(mime_type__startswith="image/").count() >= MAX_IMAGES:
        raise ValidationError(_("A project has at most %(n)s images: remove one first.") % {"n": MAX_IMAGES})
    return attach_file(actor=actor, target=project, upload=upload, title=title, component=component, action=action)


# --- Supports ---------------------------------------------------------------------------------


def _participant(actor, budget: Budget, action: str) -> Person:
    if budget.component is not None:
        allowed, reason = component_action_allowed(actor, budget.component, action)
        if not allowed:
            raise PermissionDenied(reason)
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to take part."))
    person = person_of(actor, budget.jurisdiction)
    if person is None:
        raise PermissionDenied(_("Verify your identity with the census to take part."))
    return person


@_in_scope(lambda kw: kw["project"].jurisdiction)
def support_project(*, actor, project: Project) -> Support:
    """Once per person and project, and no more than the budget's limit per heading."""
    budget = project.budget
    _require_phase(budget, Budget.Phase.SELECTING)
    person = _participant(actor, budget, "support")
    if project.feasibility == Project.Feasibility.UNFEASIBLE:
        raise ValidationError(_("This project was found unfeasible and cannot be supported."))
    if project.hidden_reason:
        raise ValidationError(_("A moderator hid this project: it cannot be supported."))
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one person's supports, one at a time
        supports = Support.objects.filter(person=person, heading=project.heading)
        if supports.filter(project=project).exists():
            raise ValidationError(_("You already support this project."), code="duplicate")
        if supports.count() >= budget.supports_per_heading:
            raise ValidationError(
                _("You can support up to %(n)s projects in this heading.") % {"n": budget.supports_per_heading}
            )
        try:
            with transaction.atomic():
                support = Support.objects.create(
                    jurisdiction=project.jurisdiction, project=project, heading=project.heading, person=person
                )
        except IntegrityError as duplicate:
            raise ValidationError(_("You already support this project."), code="duplicate") from duplicate
        record(jurisdiction=project.jurisdiction, actor=actor, action="budgets.support", target=project)
    return support


# --- Ballots ----------------------------------------------------------------------------------


def check_choices(
    budget: Budget, heading: Heading, choices: Mapping[int, int], offered: Mapping[int, Project] | None = None
) -> list[tuple[Project, int]]:
    """Validate one heading's choices ({project id: points or rank; 1 for a basket or approval}) against the
    projects its ballot offers (`offered`, by id, when the caller has read them: `ballot_projects`)."""
    if heading.budget_id != budget.pk:
        raise ValidationError(_("This heading belongs to another budget."))
    projects = offered if offered is not None else {p.pk: p for p in ballot_projects(heading)}
    foreign = [pk for pk in choices if pk not in projects]
    if foreign:
        raise ValidationError(_("Some chosen projects are not on this heading's ballot."), code="other_heading")
    chosen = [(projects[pk], int(value)) for pk, value in choices.items()]
    kind = budget.ballot_kind
    if kind == Budget.BallotKind.KNAPSACK:
        spent = sum((p.cost for p, _v in chosen), Decimal(0))
        if spent > heading.amount:
            raise ValidationError(
                _("Your choices cost %(spent)s but the heading has %(amount)s: remove some.")
                % {
                    "spent": format_money(spent, budget.currency),
                    "amount": format_money(heading.amount, budget.currency),
                },
                code="over_amount",
            )
    elif kind == Budget.BallotKind.APPROVAL and len(chosen) > budget.max_choices:
        raise ValidationError(_("Choose up to %(n)s projects.") % {"n": budget.max_choices}, code="too_many")
    elif kind == Budget.BallotKind.CUMULATIVE:
        if any(v < 1 for _p, v in chosen) or sum(v for _p, v in chosen) > budget.max_points:
            raise ValidationError(
                _("Share up to %(n)s points, at least 1 for each project you choose.") % {"n": budget.max_points},
                code="points",
            )
    elif kind == Budget.BallotKind.RANKED:
        ranks = sorted(v for _p, v in chosen)
        if len(chosen) > budget.max_choices or ranks != list(range(1, len(chosen) + 1)):
            raise ValidationError(
                _("Rank up to %(n)s projects 1, 2, 3… each rank once.") % {"n": budget.max_choices}, code="ranks"
            )
    return chosen


def _counted(projects: QuerySet) -> QuerySet:
    """Of `projects`, those an election counts: every project not found unfeasible (one a moderator hid keeps the
    ballot lines cast before: a block is about what its author wrote, not about the votes already cast)."""
    return projects.exclude(feasibility=Project.Feasibility.UNFEASIBLE).order_by("pk")


def _election_projects(heading: Heading):
    """The projects a heading's election counts (`_counted`)."""
    return _counted(Project.objects.with_scope(jurisdiction=heading.jurisdiction).filter(heading=heading))


def ballot_projects(heading: Heading):
    """The projects a heading's ballot offers: those counted, but for the ones a moderator hid (nobody may choose a
    project whose text they cannot read)."""
    return _election_projects(heading).filter(hidden_reason="")


def budget_ballot_projects(budget: Budget) -> QuerySet:
    """`ballot_projects` of every heading of the budget, in one query."""
    projects = Project.objects.with_scope(jurisdiction=budget.jurisdiction).filter(heading__budget=budget)
    return _counted(projects).filter(hidden_reason="")


def _write_lines(ballot: Ballot, heading: Heading, chosen, kind: str) -> None:
    BallotLine.objects.filter(ballot=ballot, project__heading=heading).delete()
    BallotLine.objects.bulk_create(
        BallotLine(
            jurisdiction=ballot.jurisdiction,
            ballot=ballot,
            project=project,
            points=value if kind == Budget.BallotKind.CUMULATIVE else 1,
            rank=value if kind == Budget.BallotKind.RANKED else None,
        )
        for project, value in chosen
    )


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def cast_ballot(
    *,
    actor,
    budget: Budget,
    heading: Heading,
    choices: Mapping[int, int],
    revision: int | None = None,
    channel: str = Channel.ONLINE,
) -> Ballot:
    """A verified person fills a heading of their ballot: cast once, then edited until balloting closes.

    `revision` is the ballot revision the form was made from (None for a first ballot). A resident's own ballot
    writes no audit entry, as a votation's writes none: the roll says who balloted, when and where, the ballot its
    revision and last change; the audit log keeps what officers and admins do (booth ballots, phases, reviews).
    """
    _require_phase(budget, Budget.Phase.BALLOTING)
    person = _participant(actor, budget, "vote")
    chosen = check_choices(budget, heading, choices)
    with transaction.atomic():
        existing = Ballot.objects.select_for_update().filter(budget=budget, person=person).first()
        if existing is None:
            if revision is not None:
                raise ValidationError(_("Your ballot was not found: start again from the ballot page."))

            def write_ballot() -> Ballot:
                ballot = Ballot.objects.create(
                    jurisdiction=budget.jurisdiction, budget=budget, person=person, channel=channel
                )
                _write_lines(ballot, heading, chosen, budget.ballot_kind)
                return ballot

            return cast_once(
                jurisdiction=budget.jurisdiction,
                election_key=budget.election_key,
                person=person,
                channel=channel,
                write_ballot=write_ballot,
            )
        if existing.channel == Channel.BOOTH:
            raise AlreadyVoted(Channel.BOOTH)  # a paper ballot recorded at a booth is final
        if revision != existing.revision:
            raise (
                AlreadyVoted()
                if revision is None
                else ValidationError(
                    _("Your ballot changed since this page was loaded (in another window?): check it and try again."),
                    code="stale",
                )
            )
        _write_lines(existing, heading, chosen, budget.ballot_kind)
        existing.revision += 1
        existing.save(update_fields=["revision", "updated_at"])
        return existing


def do_cast_as_token_holder(
    *, kept: queries.KeptBudget, heading: Heading, chosen: list[tuple[Project, int]], secret: str
) -> tuple[int | None, bool]:
    """The lean API ballot's write (PostgreSQL): the first ballot of the holder of the write token `secret`, one
    heading filled with `chosen` (checked by `check_choices` against `kept`), in ONE statement that writes only if
    every condition of `cast_ballot` on the voter holds.

    The statement checks that the budget, its jurisdiction and component, the heading and the chosen projects are
    still as kept in this process (their stamps, `plaza.core.rows.version_stamp`), finds the token's holder
    verified in the jurisdiction at the level the budget's component asks (`core.queries.api_tokens.holder_sql`),
    puts the person on the budget's roll (`plaza.core.roll.first_vote_sql`: nothing if they are on it already),
    then writes the ballot, its lines and the token's use, as data-modifying CTEs: all or nothing, without BEGIN
    and COMMIT. Returns the new ballot's id, or None having written nothing, and whether the stamps held.
    """
    budget = kept.budget
    kind = budget.ballot_kind
    in_order = sorted((project for project, _value in chosen), key=lambda project: project.pk)
    params = {
        **holder_params(secret, budget.jurisdiction_id, kept.level),
        "budget": budget.pk,
        "stamp": kept.stamp,
        "heading": heading.pk,
        "heading_stamp": heading.stamp,
        # Arrays as PostgreSQL's literals: psycopg's list dumper inspects every element of every list, each time.
        "projects": _int_array(project.pk for project in in_order),
        "project_stamps": _STAMP_SEPARATOR.join(project.stamp for project in in_order),
        "election_key": budget.election_key,
        "channel": Channel.ONLINE.value,
        "line_projects": _int_array(project.pk for project, _value in chosen),
        "points": _int_array(value if kind == Budget.BallotKind.CUMULATIVE else 1 for _project, value in chosen),
        "ranks": _int_array(value if kind == Budget.BallotKind.RANKED else 0 for _project, value in chosen),
    }
    params["voted_at"] = params["now"]
    try:
        with prepared_cursor(router.db_for_write(Ballot)) as cursor:
            cursor.execute(_holder_ballot_sql(), params)
            ballot, current = cursor.fetchone()
    except IntegrityError:  # a ballot of the person without a roll row (never written so): the operation decides
        return None, True
    return ballot, current


_STAMP_SEPARATOR = ";"  # not in a version stamp (numbers, parentheses, commas, quotes)


def _int_array(values: Iterable[int]) -> str:
    """A PostgreSQL array literal of whole numbers, for a parameter cast to an integer array."""
    return "{" + ",".join(str(int(value)) for value in values) + "}"


@functools.cache
def _holder_ballot_sql() -> str:
    budget, place, component = Budget._meta.db_table, Jurisdiction._meta.db_table, ComponentInstance._meta.db_table
    heading, project = Heading._meta.db_table, Project._meta.db_table
    ballot, line = Ballot._meta.db_table, BallotLine._meta.db_table
    return f"""
        WITH current AS (
            SELECT 1 FROM {budget}
            JOIN {place} ON {place}.id = {budget}.jurisdiction_id
            LEFT JOIN {component} ON {component}.id = {budget}.component_id
            WHERE {budget}.id = %(budget)s AND {version_stamp(budget, place, component)} = %(stamp)s
              AND EXISTS (
                SELECT 1 FROM {heading} WHERE {heading}.id = %(heading)s
                  AND {version_stamp(heading)} = %(heading_stamp)s
              )
              AND (
                SELECT COALESCE(string_agg({version_stamp(project)}, '{_STAMP_SEPARATOR}' ORDER BY {project}.id), '')
                FROM {project} WHERE {project}.id = ANY(CAST(%(projects)s AS bigint[]))
              ) = %(project_stamps)s
        ),
        holder AS ({holder_sql()} AND EXISTS (SELECT 1 FROM current)),
        roll AS ({first_vote_sql()}),
        ballot AS (
            INSERT INTO {ballot} (jurisdiction_id, budget_id, person_id, channel, imported, revision, cast_at,
                updated_at)
            SELECT %(jurisdiction)s, %(budget)s, roll.person_id, %(channel)s, false, 1, %(now)s, %(now)s FROM roll
            RETURNING id
        ),
        lines AS (
            INSERT INTO {line} (jurisdiction_id, ballot_id, project_id, points, rank)
            SELECT %(jurisdiction)s, ballot.id, chosen.project, chosen.points, NULLIF(chosen.rank, 0)
            FROM ballot, unnest(CAST(%(line_projects)s AS bigint[]), CAST(%(points)s AS integer[]),
                CAST(%(ranks)s AS integer[])) WITH ORDINALITY AS chosen(project, points, rank, position)
            ORDER BY chosen.position
        ),
        used AS ({token_use_sql("ballot")})
        SELECT (SELECT id FROM ballot), EXISTS (SELECT 1 FROM current)
    """  # noqa: S608 - table names from the models, values as parameters


def is_poll_officer(user, jurisdiction: Jurisdiction) -> bool:
    return has_role(user, jurisdiction, Role.POLL_OFFICER, Role.ADMIN)


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def cast_at_booth(
    *,
    officer,
    budget: Budget,
    booth: Booth,
    document_id: str,
    birth_date: date,
    postal_code: str,
    choices: Mapping[int, Mapping[int, int]],
) -> Ballot:
    """A poll officer finds the person on the census and records their paper ballot (every heading at once).

    `booth` is one of the budget's booths (core's). `choices` maps a heading's id to that heading's choices
    (as `cast_ballot` takes them). The person goes on the budget's roll through core's `cast_once`, with
    the booth's name, so a person who balloted online (or at another booth) is refused and nothing is
    written; a booth ballot is final (not edited online).
    """
    require_role(officer, budget.jurisdiction, Role.POLL_OFFICER, Role.ADMIN)
    _require_phase(budget, Budget.Phase.BALLOTING)
    _require_own_booth(budget, booth)
    headings = {h.pk: h for h in budget.headings.all()}
    if any(pk not in headings for pk in choices):
        raise ValidationError(_("This heading belongs to another budget."), code="other_heading")
    chosen = {pk: check_choices(budget, headings[pk], picks) for pk, picks in choices.items() if picks}
    if not chosen:
        raise ValidationError(_("The ballot is empty: mark at least one project."), code="empty")
    with transaction.atomic():
        person = verify_in_person(
            officer=officer,
            jurisdiction=budget.jurisdiction,
            document_id=document_id,
            birth_date=birth_date,
            postal_code=postal_code[:20],
        )

        def write_ballot() -> Ballot:
            ballot = Ballot.objects.create(
                jurisdiction=budget.jurisdiction, budget=budget, person=person, channel=Channel.BOOTH
            )
            for pk, lines in chosen.items():
                _write_lines(ballot, headings[pk], lines, budget.ballot_kind)
            return ballot

        ballot = cast_once(
            jurisdiction=budget.jurisdiction,
            election_key=budget.election_key,
            person=person,
            channel=Channel.BOOTH,
            booth=booth.name,
            write_ballot=write_ballot,
        )
        # Who recorded a ballot where is public; whose ballot it was is not (the roll, not the log).
        record(
            jurisdiction=budget.jurisdiction,
            actor=officer,
            action="budgets.booth_ballot",
            target=budget,
            data={"booth": booth.name},
        )
    return ballot


# --- Booths and their end-of-day totals (core's, keyed by the budget's election key) ----------


def _require_own_booth(budget: Budget, booth: Booth | None) -> None:
    if booth is None:
        raise ValidationError({"booth": _("Say at which booth the ballot is cast.")})
    if booth.election_key != budget.election_key or booth.jurisdiction_id != budget.jurisdiction_id:
        raise ValidationError({"booth": _("This booth belongs to another budget.")})


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def add_booth(*, actor, budget: Budget, name: str) -> Booth:
    """The budget's admins add a polling booth, where poll officers then record paper ballots and day totals."""
    _require_budget_admin(actor, budget)
    names = core_booths.booth_names([name])
    if not names:
        raise ValidationError({"name": _("Name the booth.")})
    if queries.booths_of(budget).filter(name=names[0]).exists():
        raise ValidationError({"name": _("The budget already has a booth of this name.")})
    with transaction.atomic():
        [booth] = core_booths.add_booths(
            jurisdiction=budget.jurisdiction, election_key=budget.election_key, names=names
        )
        record(
            jurisdiction=budget.jurisdiction,
            actor=actor,
            action="budgets.booth_add",
            target=budget,
            data={"booth": booth.name},
            public=True,
        )
    return booth


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def remove_booth(*, actor, budget: Budget, booth: Booth) -> None:
    """The budget's admins remove a booth nobody used (refused once a ballot or a day's total was recorded there)."""
    _require_budget_admin(actor, budget)
    _require_own_booth(budget, booth)
    with transaction.atomic():
        name = booth.name
        core_booths.remove_booth(booth=booth)
        record(
            jurisdiction=budget.jurisdiction,
            actor=actor,
            action="budgets.booth_remove",
            target=budget,
            data={"booth": name},
            public=True,
        )


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def report_booth_total(*, officer, budget: Budget, booth: Booth, day: date, count: int) -> BoothTotal:
    """A poll officer reports how many ballots the booth took that day (a second report replaces the first).

    Core's `report_booth_total`, shared with votes: a poll officer (or admin) of the jurisdiction, one of
    the budget's booths, a day that has come; a public `budgets.booth_tally` audit entry on the budget.
    """
    return core_booths.report_booth_total(officer=officer, election=budget, booth=booth, day=day, count=count)


# --- Results ----------------------------------------------------------------------------------


def heading_election(heading: Heading) -> tuple[rules.Election, list[Project]]:
    """The heading's election: its ballot projects, money, and one ballot per person (lines in this heading)."""
    projects = list(_election_projects(heading))
    lines = (
        BallotLine.objects.with_scope(jurisdiction=heading.jurisdiction)
        .filter(project__heading=heading)
        .values_list("ballot_id", "project_id")
    )
    ids = {p.pk: p.pb_id for p in projects}
    ballots: dict[int, list[str]] = {}
    for ballot_id, project_id in lines:
        if project_id in ids:
            ballots.setdefault(ballot_id, []).append(ids[project_id])
    election = rules.Election.from_ballots(
        project_ids=[p.pb_id for p in projects],
        costs=[p.cost for p in projects],
        budget=heading.amount,
        ballots=list(ballots.values()),
    )
    return election, projects


def _compute_results(budget: Budget) -> None:
    ResultRow.objects.filter(budget=budget).delete()
    rows = []
    for heading in budget.headings.all():
        election, projects = heading_election(heading)
        votes = dict(zip(election.project_ids, election.votes().tolist(), strict=True))
        for rule in rules.RULES:
            outcome = rules.outcome(election, rule)
            order = {pid: n for n, pid in enumerate(outcome.selected, start=1)}
            rows.extend(
                ResultRow(
                    jurisdiction=budget.jurisdiction,
                    budget=budget,
                    heading=heading,
                    project=project,
                    rule=rule,
                    votes=int(votes[project.pb_id]),
                    selected=project.pb_id in order,
                    position=order.get(project.pb_id),
                    reason=outcome.reasons.get(project.pb_id, rules.NO_SUPPORT),
                )
                for project in projects
            )
    ResultRow.objects.bulk_create(rows)


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def track_winners(*, actor, budget: Budget, component: ComponentInstance) -> int:
    """Send each winner (by the budget's rule) to a component that tracks results (core's generic link).

    Winners already tracked are left alone, so running it again sends only what is new.
    """
    from django.contrib.contenttypes.models import ContentType

    from plaza.core.models import ContentLink
    from plaza.core.operations.links import send_to

    require_role(actor, budget.jurisdiction, Role.ADMIN, Role.OFFICIAL)
    budget.refresh_from_db(fields=["phase", "rule"])
    _require_phase(budget, Budget.Phase.FINISHED)
    tracked = ContentLink.objects.filter(
        kind=ContentLink.Kind.RESULT, source_type=ContentType.objects.get_for_model(Project)
    ).values_list("source_id", flat=True)
    winners = Project.objects.filter(budget=budget, result_rows__rule=budget.rule, result_rows__selected=True).exclude(
        pk__in=tracked
    )
    sent = 0
    with transaction.atomic():
        for project in winners:
            send_to(actor=actor, source=project, component=component, kind=ContentLink.Kind.RESULT)
            sent += 1
    return sent


# --- Pabulib ----------------------------------------------------------------------------------


def export_pb(heading: Heading) -> str:
    """A finished heading as a Pabulib file: projects with votes and selection by the budget's rule, ballots."""
    budget = heading.budget
    election, projects = heading_election(heading)
    votes = dict(zip(election.project_ids, election.votes().tolist(), strict=True))
    selected = set(rules.outcome(election, budget.rule).selected)
    pb_rule = {"greedy": "greedy", "mes": "equalshares", "mes-complete": "equalshares/add1"}[budget.rule]
    vote_type = {
        Budget.BallotKind.KNAPSACK: "approval",
        Budget.BallotKind.APPROVAL: "approval",
        Budget.BallotKind.CUMULATIVE: "cumulative",
        Budget.BallotKind.RANKED: "ordinal",
    }[budget.ballot_kind]
    lines = (
        BallotLine.objects.with_scope(jurisdiction=heading.jurisdiction)
        .filter(project__heading=heading)
        .order_by("ballot_id", "rank", "pk")
        .values_list("ballot_id", "project_id", "points")
    )
    ids = {p.pk: p.pb_id for p in projects}
    ballots: dict[int, list[tuple[str, int]]] = {}
    for ballot_id, project_id, points in lines:
        if project_id in ids:
            ballots.setdefault(ballot_id, []).append((ids[project_id], points))
    pb = pabulib.PbFile(
        meta={
            "description": f"{budget.title}: {heading.name}",
            "country": _country(budget.jurisdiction),
            "unit": budget.jurisdiction.name,
            "instance": str(budget.created_at.year),
            "num_projects": str(len(projects)),
            "num_votes": str(len(ballots)),
            "budget": _plain(heading.amount),
            "vote_type": vote_type,
            "rule": pb_rule,
            "date_begin": budget.created_at.strftime("%d.%m.%Y"),
            "date_end": budget.created_at.strftime("%d.%m.%Y"),
            "currency": budget.currency,
        },
        projects=[
            {
                "project_id": p.pb_id,
                "cost": _plain(p.cost),
                "votes": str(votes[p.pb_id]),
                "name": p.title,
                "selected": "1" if p.pb_id in selected else "0",
            }
            for p in projects
        ],
        votes=[
            {"voter_id": str(n), "vote": ",".join(pid for pid, _pts in lines)}
            | ({"points": ",".join(str(pts) for _pid, pts in lines)} if vote_type == "cumulative" else {})
            for n, lines in enumerate(ballots.values(), start=1)
        ],
    )
    return pabulib.write(pb)


def _country(jurisdiction: Jurisdiction) -> str:
    """The name of the country the jurisdiction sits in (Pabulib requires one; "Worldwide" when none)."""
    node, hops = jurisdiction, 0
    while node is not None and hops < 20:
        if node.kind == Jurisdiction.Kind.COUNTRY:
            return node.name
        node, hops = node.parent, hops + 1
    return "Worldwide"


def _plain(amount: Decimal) -> str:
    return str(int(amount)) if amount == amount.to_integral_value() else str(amount)


@_in_scope(lambda kw: kw["budget"].jurisdiction)
def import_pb(*, actor, budget: Budget, text: str, heading_name: str = "") -> Heading:
    """Replay a Pabulib election into a new heading of `budget`: its projects (file ids kept) and ballots."""
    require_role(actor, budget.jurisdiction, Role.ADMIN)
    pb = pabulib.parse(text)  # PabulibError (a ValidationError-like ValueError) with line numbers
    name = heading_name.strip() or pb.meta.get("description", "") or _("Imported heading")
    amount = Decimal(str(pb.budget.numerator)) / Decimal(pb.budget.denominator)
    _check_fits(budget.amount, [*budget.headings.values_list("amount", flat=True), amount], budget.currency)
    with transaction.atomic():
        heading = Heading.objects.create(
            jurisdiction=budget.jurisdiction,
            budget=budget,
            slug=(slugify(name)[:70] or "heading") + f"-{budget.headings.count() + 1}",
            name=name[:200],
            amount=amount,
            position=budget.headings.count() + 1,
        )
        projects = {}
        for row in pb.projects:
            projects[row["project_id"]] = Project.objects.create(
                jurisdiction=budget.jurisdiction,
                budget=budget,
                heading=heading,
                title=(row.get("name") or row["project_id"])[:200],
                description=row.get("description", "") or row.get("name", "") or row["project_id"],
                estimated_cost=Decimal(row["cost"].replace(",", ".")),
                feasibility=Project.Feasibility.FEASIBLE,
                external_id=row["project_id"],
            )
        for vote in pb.votes:
            ballot = Ballot.objects.create(jurisdiction=budget.jurisdiction, budget=budget, imported=True)
            ids, points = pb.ballot(vote), pb.points(vote) if "points" in vote else []
            BallotLine.objects.bulk_create(
                BallotLine(
                    jurisdiction=budget.jurisdiction,
                    ballot=ballot,
                    project=projects[pid],
                    points=max(1, int(points[n])) if points else 1,
                    rank=n + 1 if pb.vote_type == "ordinal" else None,
                )
                for n, pid in enumerate(ids)
            )
        record(
            jurisdiction=budget.jurisdiction,
            actor=actor,
            action="budgets.import",
            target=budget,
            data={"projects": len(projects), "ballots": len(pb.votes)},
            public=True,
        )
    return heading


# --- Blocked authors ---------------------------------------------------------------------------


def hide_blocked_content(*, actor, jurisdiction, user, reason: str) -> dict[str, int]:
    """Core's `block_account` asks this (the manifest's hook) in its transaction: the blocked account's projects in
    the jurisdiction are hidden with the block's public reason (their supports and ballot lines stay)."""
    hidden = Project.objects.filter(author=user, hidden_reason="").update(hidden_reason=reason)
    return {"budget_projects": hidden}


def show_unblocked_content(*, actor, jurisdiction, user, reason: str) -> dict[str, int]:
    """Core's `unblock_account` asks this in its transaction: the projects the block hid are shown again."""
    shown = Project.objects.filter(author=user, hidden_reason=reason).update(hidden_reason="")
    return {"budget_projects": shown}


def is_valuator(user, jurisdiction: Jurisdiction) -> bool:
    return has_role(user, jurisdiction, Role.VALUATOR, Role.ADMIN)
