"""Page input for accountability: the progress update form of officials and civil society partners."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plaza.accountability.models import (
    CandidateDecision,
    OGPValue,
    OpenedGovernment,
    PlanStatus,
    PotentialImpact,
    ProgressStatus,
    Relevance,
    ResultStatus,
    Sector,
    Side,
)


class ProgressUpdateForm(forms.Form):
    side = forms.ChoiceField(label=_("Whose assessment is this?"), choices=Side.choices, widget=forms.RadioSelect)
    status = forms.ChoiceField(label=_("Status"), choices=ProgressStatus.choices, widget=forms.RadioSelect)
    percentage = forms.IntegerField(
        label=_("Percentage complete"),
        min_value=0,
        max_value=100,
        help_text=_("0 when not started, 100 when complete."),
    )
    narrative = forms.CharField(
        label=_("What has been done"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("Say what was delivered, what is late and why."),
    )
    links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("One web address per line (published documents, datasets, news)."),
    )
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, image, office document, CSV or text."),
    )
    evidence_title = forms.CharField(label=_("Title of the evidence file"), required=False, max_length=200)

    def __init__(self, *args, sides: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Side.choices)
        self.fields["side"].choices = [(s, labels[s]) for s in sides]
        if len(sides) == 1:
            self.fields["side"].initial = sides[0]
            self.fields["side"].widget = forms.HiddenInput()

    def clean_links(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class AssessmentForm(forms.Form):
    relevance = forms.ChoiceField(
        label=_("Relevance to OGP values"), choices=Relevance.choices, widget=forms.RadioSelect
    )
    potential_impact = forms.ChoiceField(
        label=_("Potential impact"), choices=PotentialImpact.choices, widget=forms.RadioSelect
    )
    completion = forms.ChoiceField(label=_("Completion"), choices=ProgressStatus.choices, widget=forms.RadioSelect)
    opened_government = forms.ChoiceField(
        label=_("Did it open government?"), choices=OpenedGovernment.choices, widget=forms.RadioSelect
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("The evidence behind each rating: what was checked, with whom, and what changed."),
    )


class CandidateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CandidateDecision.ADOPTED, CandidateDecision.ADOPTED.label),
            (CandidateDecision.DECLINED, CandidateDecision.DECLINED.label),
        ],
        widget=forms.RadioSelect,
    )
    commitment = forms.TypedChoiceField(
        label=_("Commitment it became"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Only when it made it into the plan."),
    )
    reason = forms.CharField(
        label=_("Public reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Residents read this: say why it was or was not taken up."),
    )

    def __init__(self, *args, commitments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].choices = [("", "—")] + [(c.number, f"{c.number}. {c.title}") for c in commitments]


class ResultUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ResultStatus.choices, widget=forms.RadioSelect)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    budget_spent = forms.DecimalField(
        label=_("Budget spent so far"),
        required=False,
        min_value=0,
        max_digits=17,
        decimal_places=2,
        help_text=_("In the result's currency, e.g. 125000.50. Leave empty if unchanged."),
    )
    note = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title of the file"), max_length=200)
    upload = forms.FileField(label=_("File"), help_text=_("PDF, image, office document, CSV or text."))


class ResultsImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: external_id, status, progress; optional budget_spent, note, title. "
            "A new external id needs a title."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and report what would change, without changing anything"),
        required=False,
        initial=True,
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"), max_length=80, help_text=_("Letters, digits and hyphens, e.g. 2026-2028.")
    )
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text=_("Markdown")
    )


class CommitmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    problem = forms.CharField(label=_("Problem addressed"), widget=forms.Textarea(attrs={"rows": 4}))
    description = forms.CharField(label=_("Description of the commitment"), widget=forms.Textarea(attrs={"rows": 4}))
    contribution = forms.CharField(
        label=_("How it contributes to solving the problem"), widget=forms.Textarea(attrs={"rows": 4})
    )
    ogp_values = forms.MultipleChoiceField(
        label=_("OGP values"), choices=OGPValue.choices, widget=forms.CheckboxSelectMultiple
    )
    policy_areas = forms.CharField(
        label=_("Policy areas"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line.")
    )
    lead_institution = forms.CharField(label=_("Lead institution"), max_length=200)
    supporting_government = forms.CharField(
        label=_("Supporting government institutions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    supporting_civil_society = forms.CharField(
        label=_("Supporting civil society organisations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    sdg_targets = forms.CharField(
        label=_("SDG targets"), required=False, max_length=200, help_text=_("Separated by spaces, e.g. 16.6 16.10")
    )
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    external_id = forms.CharField(
        label=_("External id"),
        required=False,
        max_length=100,
        help_text=_("Optional: the key your back-office system uses, for bulk progress imports."),
    )

    def clean_policy_areas(self) -> list[str]:
        return _lines(self.cleaned_data["policy_areas"])

    def clean_supporting_government(self) -> list[str]:
        return _lines(self.cleaned_data["supporting_government"])

    def clean_supporting_civil_society(self) -> list[str]:
        return _lines(self.cleaned_data["supporting_civil_society"])

    def clean_sdg_targets(self) -> list[str]:
        return self.cleaned_data["sdg_targets"].replace(",", " ").split()


class MilestoneForm(forms.Form):
    deliverable = forms.CharField(label=_("Deliverable"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    external_id = forms.CharField(
        label=_("External id"),
        required=False,
        max_length=100,
        help_text=_("Optional: the key your back-office system uses, for bulk progress imports."),
    )


class ForumMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation or government area"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, widget=forms.RadioSelect)
    role = forms.CharField(
        label=_("Role in the forum"), required=False, max_length=120, help_text=_("For example: co-chair.")
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    attendees = forms.IntegerField(label=_("Number of attendees"), min_value=0, max_value=100000)
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 8}), help_text=_("Markdown")
    )
    document_title = forms.CharField(label=_("Title of the document"), required=False, max_length=200)
    document = forms.FileField(
        label=_("Document"), required=False, help_text=_("Optional: PDF, image, office document, CSV or text.")
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("document") and not (cleaned.get("document_title") or "").strip():
            self.add_error("document_title", _("Give the document a title."))
        return cleaned

    def documents(self) -> list[tuple[str, object]]:
        upload = self.cleaned_data.get("document")
        return [(self.cleaned_data["document_title"], upload)] if upload else []


REASON_HELP = _("Kept in the public history with the change.")


class CommitmentEditForm(CommitmentForm):
    """The commitment's OGP fields, corrected; SDG tags are kept as they are."""

    reason = forms.CharField(label=_("Why it changed"), required=False, max_length=1000, help_text=REASON_HELP)

    def __init__(self, *args, commitment=None, **kwargs):
        data = args[0] if args else kwargs.get("data")
        if commitment is not None and data is None:
            kwargs["initial"] = {
                **{name: getattr(commitment, name) for name in self.base_fields if hasattr(commitment, name)},
                **{
                    name: "\n".join(getattr(commitment, name))
                    for name in ("policy_areas", "supporting_government", "supporting_civil_society")
                },
            }
        super().__init__(*args, **kwargs)
        del self.fields["sdg_targets"]


class MilestoneEditForm(MilestoneForm):
    reason = forms.CharField(label=_("Why it changed"), required=False, max_length=1000, help_text=REASON_HELP)


class PlanEditForm(PlanForm):
    """The plan's title, period and description, corrected; its address stays (people bookmark it)."""

    reason = forms.CharField(label=_("Why it changed"), required=False, max_length=1000, help_text=REASON_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["slug"]


class PlanStatusForm(forms.Form):
    prefix = "status"  # beside the details form on the plan's edit page: its own field ids
    status = forms.ChoiceField(choices=PlanStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why now"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: adopted by the forum on 3 March. Kept in the public history."),
    )


class ForumMemberEditForm(ForumMemberForm):
    reason = forms.CharField(label=_("Why it changed"), required=False, max_length=1000, help_text=REASON_HELP)


class RemovalForm(forms.Form):
    prefix = "removal"  # beside the edit form on the same page
    reason = forms.CharField(
        label=_("Why it is removed"),
        required=False,
        max_length=1000,
        help_text=_("Kept in the public history with what was removed."),
    )


class MeetingEditForm(MeetingForm):
    """The recording form's fields, corrected, plus documents to take off (the meeting's own, by id)."""

    remove_documents = forms.TypedMultipleChoiceField(
        label=_("Documents to take off"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The public history keeps their titles and file names."),
    )
    reason = forms.CharField(label=_("Why it changed"), required=False, max_length=1000, help_text=REASON_HELP)

    # the documents it has, then one to add, after the details
    field_order = ["title", "held_on", "place", "attendees", "minutes", "remove_documents", "document_title"]

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_title"].label = _("Title of a document to add")
        self.fields["document"].label = _("Document to add")
        if documents:
            self.fields["remove_documents"].choices = [
                (document.pk, f"{document.title} ({document.original_name})") for document in documents
            ]
        else:
            del self.fields["remove_documents"]


class MeetingRemovalForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is removed"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the plan's page where the meeting was, and kept in the public history."),
        error_messages={"required": _("Say why the meeting is removed: the public record keeps the reason.")},
    )


class ResultMilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    done_on = forms.DateField(
        label=_("Done on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while it is not done."),
    )


class ResultMilestoneEditForm(ResultMilestoneForm):
    reason = forms.CharField(label=_("Why it changed"), required=False, max_length=1000, help_text=REASON_HELP)


class ProgressImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: commitment, milestone (their external ids), status, percentage, narrative; optional links "
            "(separated by spaces)."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and report what would change, without changing anything"),
        required=False,
        initial=True,
    )
