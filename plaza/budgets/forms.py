"""Budgets forms: what residents and organisations type; the operations check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plaza.budgets.models import Budget
from plaza.core.forms import CensusMatchForm
from plaza.core.geo import parse_point
from plaza.core.models import Booth, SDGGoal


def _goal_choices():
    goals = [(g.number, f"{g.number}. {g.short_title()}") for g in SDGGoal.objects.all()]
    return goals or [(n, str(n)) for n in range(1, 18)]


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, help_text=_("Markdown"))
    heading = forms.TypedChoiceField(label=_("Heading"), coerce=int)
    estimated_cost = forms.DecimalField(
        label=_("Estimated cost"), max_digits=14, decimal_places=2, min_value=0.01, localize=False
    )
    organisation = forms.CharField(
        label=_("On behalf of an organisation"),
        required=False,
        max_length=200,
        help_text=_("Optional. The organisation's name, if you submit for one."),
    )
    place = forms.CharField(
        label=_("Place name"), required=False, max_length=200, help_text=_("Optional. A street, a park, a school.")
    )
    location = forms.CharField(
        label=_("Location"),
        required=False,
        max_length=60,
        help_text=_("Optional. Latitude and longitude, e.g. 48.8566, 2.3522 (or pick a point on the map)."),
    )
    sdgs = forms.TypedMultipleChoiceField(
        label=_("Sustainable Development Goals"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, headings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["heading"].choices = [(h.pk, h.name) for h in headings]
        self.fields["sdgs"].choices = _goal_choices()

    def clean_location(self):
        text = self.cleaned_data["location"].strip()
        return parse_point(text) if text else None


MONEY_FIELD = {"max_digits": 14, "decimal_places": 2, "localize": False}


class BudgetForm(forms.Form):
    """An admin sets up a budget: its money, how residents ballot and how winners are picked."""

    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and dashes; from the title if empty. It never changes once created."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea, help_text=_("Markdown")
    )
    amount = forms.DecimalField(
        label=_("Total amount"),
        required=False,
        help_text=_("The budget's whole money; the headings' amounts must fit in it. Empty: the sum of the headings."),
        **MONEY_FIELD,
    )
    currency = forms.CharField(
        label=_("Currency"), max_length=3, initial="EUR", help_text=_("Three letters: EUR, ARS.")
    )
    ballot_kind = forms.ChoiceField(label=_("Kind of ballot"), choices=Budget.BallotKind.choices)
    rule = forms.ChoiceField(label=_("Winner rule"), choices=Budget.Rule.choices)
    supports_per_heading = forms.IntegerField(label=_("Supports per person and heading"), initial=10)
    max_choices = forms.IntegerField(label=_("Projects per ballot (approval, ranked)"), initial=3)
    max_points = forms.IntegerField(label=_("Points per ballot (cumulative)"), initial=10)
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)
    headings = forms.CharField(
        label=_("Headings"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: the heading's name, a colon, its amount. For example “City-wide: 5000000”."),
    )

    def __init__(self, *args, budget: Budget | None = None, **kwargs):
        if budget is not None:
            kwargs.setdefault("initial", {name: getattr(budget, name) for name in self.setup_fields()})
        super().__init__(*args, **kwargs)
        if budget is not None:  # editing: the address stays, headings have their own page
            del self.fields["slug"]
            del self.fields["headings"]

    @staticmethod
    def setup_fields() -> tuple[str, ...]:
        from plaza.budgets.operations import SETUP_FIELDS

        return SETUP_FIELDS

    def clean_headings(self) -> list[tuple[str, str]]:
        headings, errors = [], []
        for number, line in enumerate(self.cleaned_data["headings"].splitlines(), start=1):
            if not line.strip():
                continue
            name, colon, amount = line.rpartition(":")
            if not colon or not name.strip() or not amount.strip():
                errors.append(_("Line %(n)s: write the name, a colon, then the amount.") % {"n": number})
                continue
            headings.append((name.strip(), amount.strip().replace(" ", "")))
        if errors:
            raise forms.ValidationError(errors)
        return headings


class HeadingForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, **MONEY_FIELD)


class ProjectImageForm(forms.Form):
    title = forms.CharField(
        label=_("Description of the image"),
        max_length=200,
        help_text=_("What the image shows, for those who cannot see it."),
    )
    upload = forms.FileField(
        label=_("Image"),
        help_text=_("PNG, JPEG or WebP."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )


class BoothBallotForm(CensusMatchForm):
    """The officer checks the voter's document against the census; the ballot's choices follow, per heading."""

    booth = forms.ModelChoiceField(
        label=_("Booth"), queryset=Booth.objects.none(), empty_label=None, help_text=_("Where the ballot is cast.")
    )

    def __init__(self, *args, booths, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booth"].queryset = booths
