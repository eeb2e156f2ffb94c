"""Page input for accountability: the progress update form of officials and civil society partners."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plaza.accountability.models import (
    CandidateDecision,
    OpenedGovernment,
    PotentialImpact,
    ProgressStatus,
    Relevance,
    ResultStatus,
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
        if Side.GOVERNMENT not in sides:
            # Core lets officials attach files; partners give their evidence as links.
            del self.fields["evidence"]
            del self.fields["evidence_title"]

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
