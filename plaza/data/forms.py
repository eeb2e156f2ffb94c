"""Page forms of the portal's back office: a dataset's metadata and a new resource."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plaza.core.models import SDGGoal
from plaza.data.models import Dataset, DatasetRequest, HarvestSource
from plaza.data.operations import DatasetFields
from plaza.data.vocabularies import Frequency, Theme, licence_choices


class DatasetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    name = forms.SlugField(
        label=_("Short name"),
        max_length=100,
        help_text=_("Lower-case letters, digits and hyphens: part of the address."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    organization = forms.ModelChoiceField(label=_("Publisher"), queryset=None, empty_label=None)
    state = forms.ChoiceField(label=_("State"), choices=Dataset.State.choices)
    licence_id = forms.ChoiceField(label=_("Licence"), choices=())
    themes = forms.MultipleChoiceField(
        label=_("Themes"), choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    keywords = forms.CharField(label=_("Keywords"), required=False, help_text=_("Separated by commas."))
    contact_name = forms.CharField(label=_("Contact name"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    temporal_start = forms.DateField(
        label=_("Covers from"),
        required=False,
        help_text=_("YYYY-MM-DD"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    temporal_end = forms.DateField(
        label=_("Covers until"),
        required=False,
        help_text=_("YYYY-MM-DD"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    spatial = forms.CharField(label=_("Area covered"), max_length=200, required=False)
    frequency = forms.ChoiceField(label=_("Update frequency"), choices=Frequency.choices, initial=Frequency.UNKNOWN)
    sdg_goals = forms.TypedMultipleChoiceField(
        label=_("Sustainable Development Goals"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["licence_id"].choices = licence_choices()
        self.fields["sdg_goals"].choices = [(g.number, f"{g.number}. {g.title()}") for g in SDGGoal.objects.all()]

    def dataset_fields(self) -> DatasetFields:
        data = dict(self.cleaned_data)
        data["keywords"] = [k.strip() for k in data["keywords"].split(",") if k.strip()]
        return DatasetFields(**data)

    @staticmethod
    def initial_from(dataset: Dataset, goals: list[int]) -> dict:
        initial = {f: getattr(dataset, f) for f in ("title", "name", "description", "organization", "state")}
        initial.update({f: getattr(dataset, f) for f in ("licence_id", "contact_name", "contact_email", "spatial")})
        initial.update(
            temporal_start=dataset.temporal_start,
            temporal_end=dataset.temporal_end,
            frequency=dataset.frequency,
            themes=[t.code for t in dataset.themes.all()],
            keywords=", ".join(k.name for k in dataset.keywords.all()),
            sdg_goals=goals,
        )
        return initial


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "CSV, XLSX, ODS, PDF, TXT… Or give a link below instead. A CSV or XLSX (UTF-8 for CSV) is checked row "
            "by row and loaded as a table for previews, charts and the API."
        ),
    )
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https", max_length=500)
    format = forms.CharField(
        label=_("Format"), max_length=20, required=False, help_text=_("Found from the file's extension if left empty.")
    )


class DatasetRequestForm(forms.Form):
    title = forms.CharField(label=_("What data would you like?"), max_length=200)
    description = forms.CharField(
        label=_("Why does it matter?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What would you or others do with it?"),
    )
    organization = forms.ModelChoiceField(
        label=_("Department that may hold it"), queryset=None, required=False, empty_label=_("I don't know")
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class RequestAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[(s.value, s.label) for s in DatasetRequest.Status if s != DatasetRequest.Status.OPEN],
    )
    answer = forms.CharField(
        label=_("Message to the residents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when declining: say why."),
    )
    dataset = forms.ModelChoiceField(
        label=_("Dataset that answers it"), queryset=None, required=False, help_text=_("Required when published.")
    )

    def __init__(self, *args, datasets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].queryset = datasets


class HarvestSourceForm(forms.Form):
    title = forms.CharField(label=_("Name of the catalogue"), max_length=200)
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("A CKAN site's address (without /api/3), or a DCAT catalogue file (Turtle, RDF/XML, JSON-LD)."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=HarvestSource.Kind.choices)
    organization = forms.ModelChoiceField(label=_("Into organisation"), queryset=None, empty_label=None)
    frequency_hours = forms.IntegerField(label=_("Every how many hours"), min_value=1, max_value=24 * 365, initial=24)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class OrganizationForm(forms.Form):
    title = forms.CharField(label=_("Name"), max_length=200)
    name = forms.SlugField(
        label=_("Short name"), max_length=100, help_text=_("Lower-case letters, digits and hyphens.")
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
