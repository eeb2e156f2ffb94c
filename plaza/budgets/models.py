"""Participatory budgets: headings with their money, projects and their feasibility, supports, ballots, results."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plaza.core.models.roll import Channel
from plaza.core.tenancy import TenantManager, TenantModel

__all__ = ["Ballot", "BallotLine", "Budget", "Heading", "Project", "ResultRow", "Support"]

MONEY = {"max_digits": 14, "decimal_places": 2}


class Budget(TenantModel):
    """A participatory budget: its phases, how residents ballot, and the rule that picks winners."""

    class Phase(models.TextChoices):
        ACCEPTING = "accepting", _("Accepting projects")
        REVIEWING = "reviewing", _("Reviewing projects")
        SELECTING = "selecting", _("Selecting projects (supports)")
        BALLOTING = "balloting", _("Balloting")
        REVIEWING_BALLOTS = "reviewing_ballots", _("Reviewing ballots")
        FINISHED = "finished", pgettext_lazy("budget phase", "Finished")

    class BallotKind(models.TextChoices):
        KNAPSACK = "knapsack", _("Basket within the heading's money")
        APPROVAL = "approval", _("Approve up to a number of projects")
        CUMULATIVE = "cumulative", _("Share points among projects")
        RANKED = "ranked", _("Rank projects")

    class Rule(models.TextChoices):
        GREEDY = "greedy", _("Most votes first, skipping what doesn't fit")
        MES = "mes", _("Method of Equal Shares")
        MES_COMPLETE = "mes-complete", _("Method of Equal Shares with completion")

    component = models.ForeignKey(
        "core.ComponentInstance", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    slug = models.SlugField(_("address"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # The budget's whole money; its headings' amounts must fit in it. Empty: the sum of the headings.
    amount = models.DecimalField(_("total amount"), null=True, blank=True, **MONEY)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.ACCEPTING)
    ballot_kind = models.CharField(
        _("kind of ballot"), max_length=12, choices=BallotKind.choices, default=BallotKind.KNAPSACK
    )
    rule = models.CharField(_("winner rule"), max_length=12, choices=Rule.choices, default=Rule.GREEDY)
    supports_per_heading = models.PositiveSmallIntegerField(_("supports per person and heading"), default=10)
    max_choices = models.PositiveSmallIntegerField(_("projects per ballot (approval, ranked)"), default=3)
    max_points = models.PositiveSmallIntegerField(_("points per ballot (cumulative)"), default=10)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "slug"], name="budget_slug_once"),
            models.CheckConstraint(condition=models.Q(max_choices__gte=1, max_points__gte=1), name="budget_limits"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0), name="budget_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def election_key(self) -> str:
        return f"budgets.budget:{self.pk}"

    @property
    def total(self) -> Decimal:
        """The budget's money: its total amount if set, else what its headings add up to."""
        if self.amount is not None:
            return self.amount
        return sum((h.amount for h in self.headings.all()), Decimal(0))

    def get_absolute_url(self) -> str:
        return reverse("budgets:budget", kwargs={"jurisdiction": self.jurisdiction.slug, "budget": self.slug})

    def is_public_content(self) -> bool:
        return self.is_published


class Heading(TenantModel):
    """A part of the budget with its own money: city-wide, a district, a theme."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="headings")
    slug = models.SlugField(_("address"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    position = models.PositiveSmallIntegerField(default=0)

    objects = TenantManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "slug"], name="heading_slug_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="heading_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Project(TenantModel):
    """A resident's or organisation's project, reviewed for feasibility by valuators."""

    class Feasibility(models.TextChoices):
        PENDING = "pending", _("Not reviewed yet")
        FEASIBLE = "feasible", _("Feasible")
        UNFEASIBLE = "unfeasible", _("Unfeasible")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="projects")
    heading = models.ForeignKey(Heading, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), help_text=_("Markdown"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    organisation = models.CharField(_("on behalf of an organisation"), max_length=200, blank=True)
    estimated_cost = models.DecimalField(_("estimated cost"), **MONEY)
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    sdgs = models.JSONField(_("Sustainable Development Goals"), default=list, blank=True)
    feasibility = models.CharField(max_length=12, choices=Feasibility.choices, default=Feasibility.PENDING)
    unfeasible_reason = models.TextField(_("why it is unfeasible (public)"), blank=True)
    official_cost = models.DecimalField(_("official cost estimate"), null=True, blank=True, **MONEY)
    duration_months = models.PositiveSmallIntegerField(_("duration in months"), null=True, blank=True)
    valued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A moderator blocked its author here: the block's public reason, shown in the project's place; the project leaves
    # the public lists, the API, the exports and the ballots until the block is lifted (empty while it is shown).
    hidden_reason = models.TextField(_("why a moderator hid it (public)"), blank=True, default="")
    # The project's id in an imported Pabulib file, kept so that a replay prints the file's own ids.
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Its images: core's attachments (checked, metadata stripped), prefetched for the index's thumbnails.
    attachments = GenericRelation("core.Attachment")

    objects = TenantManager()

    class Meta:
        ordering = ["heading__position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(estimated_cost__gt=0), name="project_cost_positive"),
            models.CheckConstraint(
                condition=~models.Q(feasibility="unfeasible") | ~models.Q(unfeasible_reason=""),
                name="project_unfeasible_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(official_cost__isnull=True) | models.Q(official_cost__gt=0),
                name="project_official_cost_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cost(self) -> Decimal:
        """The official estimate once valuators gave one, else the proposer's."""
        return self.official_cost if self.official_cost is not None else self.estimated_cost

    @property
    def pb_id(self) -> str:
        return self.external_id or str(self.pk)

    def get_absolute_url(self) -> str:
        return reverse(
            "budgets:project",
            kwargs={"jurisdiction": self.jurisdiction.slug, "budget": self.budget.slug, "project": self.pk},
        )

    def is_public_content(self) -> bool:
        return self.budget.is_published and not self.hidden_reason


class Support(TenantModel):
    """A verified person supports a project in the selecting phase, once."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="supports")
    heading = models.ForeignKey(Heading, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("core.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="budget_support_once")]


class Ballot(TenantModel):
    """One person's ballot in a budget (lines in any heading), on the roll once; edits bump `revision`."""

    # Ballots are read by budget, or by budget and person (budget_ballot_once leads with the budget; the jurisdiction
    # is the budget's), never by person alone (no operation removes a person; the roll protects one who voted):
    # indexes only where they help, fewer to write per ballot.
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.CASCADE, related_name="+", db_index=False)
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="ballots", db_index=False)
    person = models.ForeignKey(
        "core.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    imported = models.BooleanField(default=False)  # replayed from a Pabulib file: no person behind it
    revision = models.PositiveIntegerField(default=1)
    cast_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            # Imported ballots (no person) are many per budget: NULLs are distinct in a unique index.
            models.UniqueConstraint(fields=["budget", "person"], name="budget_ballot_once")
        ]


class BallotLine(TenantModel):
    # A line's heading is its project's (a project never changes heading): lines are read by ballot
    # (ballot_line_once leads with it) or by the projects of a heading (results, exports). No copy of the heading
    # here: a ballot locks the rows its lines refer to (foreign keys), and a heading's row is every voter's.
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.CASCADE, related_name="+", db_index=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="lines", db_index=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ballot_lines")
    points = models.PositiveSmallIntegerField(default=1)  # cumulative: the points; otherwise 1
    rank = models.PositiveSmallIntegerField(null=True, blank=True)  # ranked: 1 = first choice

    objects = TenantManager()

    class Meta:
        ordering = ["rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="ballot_line_once"),
            models.CheckConstraint(condition=models.Q(points__gte=1), name="ballot_line_points"),
        ]


class ResultRow(TenantModel):
    """A project's result under one rule, computed when the budget finishes (and recomputable from ballots)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="result_rows")
    heading = models.ForeignKey(Heading, on_delete=models.CASCADE, related_name="result_rows")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="result_rows")
    rule = models.CharField(max_length=12, choices=Budget.Rule.choices)
    votes = models.PositiveIntegerField()
    selected = models.BooleanField()
    position = models.PositiveSmallIntegerField(null=True, blank=True)  # order the rule picked it
    reason = models.CharField(max_length=20)  # plaza.budgets.rules: selected / did_not_fit / share_exhausted / …

    objects = TenantManager()

    class Meta:
        ordering = ["heading__position", "-selected", "position", "-votes", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "rule"], name="result_row_once")]
