"""Action plans, their co-creation record (forum, meetings), commitments, milestones and progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plaza.core.tenancy import TenantManager, TenantModel


class PlanStatus(models.TextChoices):
    CO_CREATION = "co_creation", _("Co-creation")
    IMPLEMENTATION = "implementation", _("Implementation")
    CLOSED = "closed", pgettext_lazy("action plan status", "Closed")


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    OTHER = "other", _("Other")


class OGPValue(models.TextChoices):
    ACCESS_TO_INFORMATION = "access_to_information", _("Access to information")
    CIVIC_PARTICIPATION = "civic_participation", _("Civic participation")
    PUBLIC_ACCOUNTABILITY = "public_accountability", _("Public accountability")
    TECHNOLOGY_AND_INNOVATION = "technology_and_innovation", _("Technology and innovation")


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")


class Side(models.TextChoices):
    """Whose assessment an update is: the government's own, or civil society's counter-assessment."""

    GOVERNMENT = "government", _("Government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


def _in_choices(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [value for value, _label in choices.choices]})


class ActionPlan(TenantModel):
    slug = models.SlugField(_("address"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.CO_CREATION)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-period_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "slug"], name="action_plan_slug_once"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")), name="action_plan_period"),
            models.CheckConstraint(condition=_in_choices("status", PlanStatus), name="action_plan_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_public_content(self) -> bool:
        return True  # OGP: co-creation and implementation happen in the open

    def get_absolute_url(self) -> str:
        return reverse("accountability:plan", kwargs={"jurisdiction": self.jurisdiction.slug, "plan": self.slug})


class ForumMember(TenantModel):
    """A member of the plan's multi-stakeholder forum."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="forum_members")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation or government area"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    role = models.CharField(_("role in the forum"), max_length=120, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["sector", "organisation", "name", "id"]
        constraints = [models.CheckConstraint(condition=_in_choices("sector", Sector), name="forum_member_sector")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def is_public_content(self) -> bool:
        return True


class ForumMeeting(TenantModel):
    """A meeting (roundtable) of the forum; its documents are core attachments.

    Corrections keep the record honest: `corrected_at` says on the plan's page that it was corrected (the public
    audit log says what changed and why), and a removal is a soft delete whose reason stays public while the
    meeting's minutes and documents leave the public record.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    attendees = models.PositiveIntegerField(_("number of attendees"))
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown"))
    corrected_at = models.DateTimeField(_("last corrected"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removal_reason = models.TextField(_("why it was removed"), blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(attendees__gte=0), name="forum_meeting_attendees"),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removal_reason="")
                | (Q(removed_at__isnull=False) & ~Q(removal_reason="")),
                name="forum_meeting_removal_reasoned",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_public_content(self) -> bool:
        return self.removed_at is None  # a removed meeting's documents are for officials only


class PlanPartner(TenantModel):
    """A civil society account that may post counter-assessments on one plan (granted by an admin, audited)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="partners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.CharField(_("organisation"), max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="plan_partner_once")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.user}"


class Commitment(TenantModel):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="commitments")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    problem = models.TextField(_("problem addressed"))
    description = models.TextField(_("description of the commitment"))
    contribution = models.TextField(_("how it contributes to solving the problem"))
    ogp_values = models.JSONField(_("OGP values"), default=list)
    policy_areas = models.JSONField(_("policy areas"), default=list)
    lead_institution = models.CharField(_("lead institution"), max_length=200)
    supporting_government = models.JSONField(_("supporting government institutions"), default=list)
    supporting_civil_society = models.JSONField(_("supporting civil society organisations"), default=list)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    external_id = models.CharField(
        _("external id"), max_length=100, blank=True, help_text=_("The key a back-office system uses for it.")
    )
    # Kept by the operations that add milestones or post progress (`refresh_figures`), so that the plan page
    # and the network overview read them instead of aggregating every milestone's current assessments.
    milestone_count = models.PositiveSmallIntegerField(_("milestones"), default=0)
    completion = models.PositiveSmallIntegerField(_("completion (government's assessment)"), default=0)
    civil_society_completion = models.PositiveSmallIntegerField(
        _("completion (civil society's assessment)"), null=True, blank=True
    )

    objects = TenantManager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="commitment_number_once"),
            models.UniqueConstraint(
                fields=["jurisdiction", "external_id"],
                condition=~Q(external_id=""),
                name="commitment_external_id_once",
            ),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="commitment_dates"),
            models.CheckConstraint(condition=Q(number__gte=1), name="commitment_number_positive"),
            models.CheckConstraint(condition=Q(completion__lte=100), name="commitment_completion"),
            models.CheckConstraint(
                condition=Q(civil_society_completion__lte=100), name="commitment_civil_society_completion"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_public_content(self) -> bool:
        return True

    def get_absolute_url(self) -> str:
        return reverse(
            "accountability:commitment",
            kwargs={"jurisdiction": self.jurisdiction.slug, "plan": self.plan.slug, "number": self.number},
        )

    def get_ogp_values_display(self) -> list[str]:
        labels = dict(OGPValue.choices)
        return [str(labels.get(value, value)) for value in self.ogp_values]


class Milestone(TenantModel):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("position"))
    deliverable = models.CharField(_("deliverable"), max_length=300)
    due_date = models.DateField(_("due date"))
    external_id = models.CharField(
        _("external id"), max_length=100, blank=True, help_text=_("The key a back-office system uses for it.")
    )

    objects = TenantManager()

    class Meta:
        ordering = ["commitment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "position"], name="milestone_position_once"),
            models.UniqueConstraint(
                fields=["commitment", "external_id"], condition=~Q(external_id=""), name="milestone_external_id_once"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="milestone_position_positive"),
        ]

    def __str__(self) -> str:
        return self.deliverable

    def is_public_content(self) -> bool:
        return True


class ProgressUpdate(TenantModel):
    """One assessment of a milestone's progress, by one side; append-only, a later one supersedes it.

    The history of a (milestone, side) is a chain: each update names the one it supersedes (unique),
    so the current assessment is the one nothing supersedes.
    """

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="updates")
    side = models.CharField(_("assessment by"), max_length=20, choices=Side.choices)
    status = models.CharField(_("status"), max_length=20, choices=ProgressStatus.choices)
    percentage = models.PositiveSmallIntegerField(_("percentage complete"))
    narrative = models.TextField(_("narrative"))
    links = models.JSONField(_("evidence links"), default=list, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(_("posted by"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("posted at"))

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["milestone", "side", "created_at"], name="progress_update_history")]
        constraints = [
            models.CheckConstraint(condition=_in_choices("side", Side), name="progress_update_side"),
            models.CheckConstraint(condition=_in_choices("status", ProgressStatus), name="progress_update_status"),
            models.CheckConstraint(condition=Q(percentage__lte=100), name="progress_update_percentage"),
            models.CheckConstraint(
                condition=~Q(status=ProgressStatus.COMPLETE) | Q(percentage=100), name="progress_update_complete_100"
            ),
            models.CheckConstraint(
                condition=~Q(status=ProgressStatus.NOT_STARTED) | Q(percentage=0), name="progress_update_not_started_0"
            ),
            models.UniqueConstraint(
                fields=["milestone", "side"], condition=Q(supersedes=None), name="progress_update_one_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone}: {self.get_status_display()} ({self.percentage}%)"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A progress update is never edited: post a new one that supersedes it.")
        super().save(*args, **kwargs)

    def is_public_content(self) -> bool:
        return True


class Relevance(models.TextChoices):
    """Is the commitment, as written, relevant to OGP's values (IRM's first question)?"""

    CLEAR = "clear", _("Clearly relevant")
    UNCLEAR = "unclear", _("Unclear")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class PotentialImpact(models.TextChoices):
    NONE = "none", pgettext_lazy("potential impact", "None")
    MINOR = "minor", _("Minor")
    MODERATE = "moderate", _("Moderate")
    TRANSFORMATIVE = "transformative", _("Transformative")


class OpenedGovernment(models.TextChoices):
    """IRM's "Did it open government?" once the plan is implemented."""

    WORSENED = "worsened", _("Worsened")
    DID_NOT_CHANGE = "did_not_change", _("Did not change")
    MARGINAL = "marginal", _("Marginal")
    MAJOR = "major", _("Major")
    OUTSTANDING = "outstanding", _("Outstanding")


class Assessment(TenantModel):
    """An independent assessor's IRM-style ratings of one commitment; append-only, a later one supersedes it."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="assessments")
    relevance = models.CharField(_("relevance to OGP values"), max_length=20, choices=Relevance.choices)
    potential_impact = models.CharField(_("potential impact"), max_length=20, choices=PotentialImpact.choices)
    completion = models.CharField(_("completion"), max_length=20, choices=ProgressStatus.choices)
    opened_government = models.CharField(_("did it open government?"), max_length=20, choices=OpenedGovernment.choices)
    justification = models.TextField(_("justification"))
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessor_label = models.CharField(_("assessed by"), max_length=200)
    created_at = models.DateTimeField(_("assessed at"))

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_in_choices("relevance", Relevance), name="assessment_relevance"),
            models.CheckConstraint(
                condition=_in_choices("potential_impact", PotentialImpact), name="assessment_potential_impact"
            ),
            models.CheckConstraint(condition=_in_choices("completion", ProgressStatus), name="assessment_completion"),
            models.CheckConstraint(
                condition=_in_choices("opened_government", OpenedGovernment), name="assessment_opened_government"
            ),
            models.CheckConstraint(condition=~Q(justification=""), name="assessment_justified"),
            models.UniqueConstraint(fields=["commitment"], condition=Q(supersedes=None), name="assessment_one_first"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.get_opened_government_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An assessment is never edited: record a new one that supersedes it.")
        super().save(*args, **kwargs)

    def is_public_content(self) -> bool:
        return True


class CandidateDecision(models.TextChoices):
    PENDING = "pending", _("Under consideration")
    ADOPTED = "adopted", _("Made it into the plan")
    DECLINED = "declined", _("Not taken up")


class Candidate(TenantModel):
    """A resident's proposal (or any content) considered for a commitment during co-creation.

    It arrives through a core content link (kind "candidate"); the forum then decides, giving a public
    reason either way, and an adopted candidate names the commitment it became.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="candidates")
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    source_url = models.CharField(_("where it came from"), max_length=500, blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=CandidateDecision.choices, default=CandidateDecision.PENDING
    )
    reason = models.TextField(_("public reason"), blank=True)
    commitment = models.ForeignKey(
        Commitment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidates",
        verbose_name=_("commitment"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=_in_choices("decision", CandidateDecision), name="candidate_decision"),
            models.CheckConstraint(
                condition=Q(decision=CandidateDecision.ADOPTED, commitment__isnull=False)
                | (~Q(decision=CandidateDecision.ADOPTED) & Q(commitment__isnull=True)),
                name="candidate_adopted_names_commitment",
            ),
            models.CheckConstraint(
                condition=Q(decision=CandidateDecision.PENDING) | ~Q(reason=""), name="candidate_decision_reasoned"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_public_content(self) -> bool:
        return True

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url() + f"#candidate-{self.pk}"


class ResultStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Result(TenantModel):
    """What became of a decision: the execution of a winning budget project, an approved proposal, a commitment.

    What it tracks is a core content link of kind "result" (source → this result); `external_id` is the
    key back-office systems use to update it in bulk. Money is kept in minor units (cents), never floats.
    """

    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ResultStatus.choices, default=ResultStatus.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    budget_spent_minor = models.BigIntegerField(_("budget spent (in cents)"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    source_url = models.CharField(_("what it tracks"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "external_id"], condition=~Q(external_id=""), name="result_external_id_once"
            ),
            models.CheckConstraint(condition=_in_choices("status", ResultStatus), name="result_status"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="result_progress"),
            models.CheckConstraint(
                condition=~Q(status=ResultStatus.COMPLETED) | Q(progress=100), name="result_completed_100"
            ),
            models.CheckConstraint(
                condition=Q(budget_spent_minor__isnull=True) | Q(budget_spent_minor__gte=0), name="result_budget"
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="result_currency"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_public_content(self) -> bool:
        return True

    def get_absolute_url(self) -> str:
        return reverse("accountability:result", kwargs={"jurisdiction": self.jurisdiction.slug, "result": self.pk})

    @property
    def budget_spent(self):
        from decimal import Decimal

        return None if self.budget_spent_minor is None else Decimal(self.budget_spent_minor) / 100


class ResultMilestone(TenantModel):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["result", "position"]
        constraints = [
            models.UniqueConstraint(fields=["result", "position"], name="result_milestone_position_once"),
            models.CheckConstraint(condition=Q(position__gte=1), name="result_milestone_position_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_public_content(self) -> bool:
        return True


class ResultUpdate(TenantModel):
    """One dated change of a result's status, progress or spending (from a page or a CSV import); never edited."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=20, choices=ResultStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    budget_spent_minor = models.BigIntegerField(_("budget spent (in cents)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(_("posted by"), max_length=200)
    import_job = models.PositiveBigIntegerField(null=True, blank=True)  # the core Job that imported it, if any
    import_line = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("posted at"))

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["result", "created_at"], name="result_update_history")]
        constraints = [
            models.CheckConstraint(condition=_in_choices("status", ResultStatus), name="result_update_status"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="result_update_progress"),
            models.UniqueConstraint(
                fields=["import_job", "import_line"], condition=Q(import_job__isnull=False), name="result_update_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result}: {self.get_status_display()} ({self.progress}%)"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A result update is never edited: post a new one.")
        super().save(*args, **kwargs)

    def is_public_content(self) -> bool:
        return True


class TopicKind(models.TextChoices):
    POLICY_AREA = "policy_area", _("Policy area")
    OGP_VALUE = "ogp_value", _("OGP value")


class CommitmentTopic(TenantModel):
    """A commitment's policy areas and OGP values as rows, so the network can ask "who else committed to …?".

    Kept by the operations that write commitments (the JSON lists stay the commitment's own record);
    `slug` is the policy area normalised ("Open contracting" and "open  contracting" are one topic).
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="topics")
    kind = models.CharField(max_length=20, choices=TopicKind.choices)
    slug = models.SlugField(max_length=120)
    label = models.CharField(max_length=200)

    objects = TenantManager()

    class Meta:
        ordering = ["kind", "slug"]
        indexes = [models.Index(fields=["kind", "slug"], name="commitment_topic_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "kind", "slug"], name="commitment_topic_once"),
            models.CheckConstraint(condition=_in_choices("kind", TopicKind), name="commitment_topic_kind"),
        ]

    def __str__(self) -> str:
        return self.label
