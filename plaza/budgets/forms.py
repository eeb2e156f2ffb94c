"""Budgets forms: what residents and organisations type; the operations check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plaza.core.geo import parse_point
from plaza.core.models import SDGGoal


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
