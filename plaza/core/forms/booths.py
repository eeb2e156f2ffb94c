"""Input validation for polling booths: naming one, and an officer's end-of-day total (votes and budgets alike)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plaza.core.models import Booth
from plaza.core.models.booths import BOOTH_NAME_MAX_LENGTH
from plaza.core.operations.booths import MAX_BOOTH_TOTAL


class BoothForm(forms.Form):
    name = forms.CharField(
        label=_("Booth name"),
        max_length=BOOTH_NAME_MAX_LENGTH,
        help_text=_("Where ballots are taken, e.g. “Town hall of the 11th”."),
    )


class BoothTotalForm(forms.Form):
    """A poll officer's count of the ballots a booth took in a day (`booths`: the election's)."""

    booth = forms.ModelChoiceField(label=_("Booth"), queryset=Booth.objects.none(), empty_label=None)
    day = forms.DateField(label=_("Day"), help_text=_("YYYY-MM-DD"), widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label=_("Ballots counted at the booth that day"), min_value=0, max_value=MAX_BOOTH_TOTAL)

    def __init__(self, *args, booths, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booth"].queryset = booths
