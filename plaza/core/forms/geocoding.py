"""A typed address in a page form: geocoded on submit, and when several places match, the form asks which one.

The question is a radio list in the same form (no JavaScript), each answer a signed value bound to
the text it answers (`plaza.core.geocoding.sign_choice`), so nothing is kept between the two posts.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.core.geo import Point
from plaza.core.geocoding import can_geocode, geocode, read_choice, sign_choice


def location_choice_field() -> forms.CharField:
    """Declare it right after the location field: hidden until there is a question to ask."""
    return forms.CharField(label=gettext_lazy("Which place do you mean?"), required=False, widget=forms.HiddenInput)


def _ask(form, choice_field: str, text: str, candidates) -> None:
    field = form.fields[choice_field]
    field.widget = forms.RadioSelect(choices=[(sign_choice(text, c), c.label) for c in candidates])
    field.widget.is_required = False
    field.help_text = _(
        "Choose one and send the form again, or change the location: coordinates or a point picked on the map do too."
    )


def geocode_typed(
    form, text: str, *, jurisdiction, choice_field: str = "location_choice", keep_unlocated: bool = False
) -> tuple[Point | None, str]:
    """(point, address) for a typed address, or a ValidationError for the location field.

    Several places → the form's `choice_field` becomes a radio list of them and the error asks to
    choose; none → the error says so (the typed text stays in the field). `keep_unlocated`: where
    the jurisdiction has no gazetteer and no Nominatim, keep the text as an address without a point.
    """
    text = (text or "").strip()
    chosen = read_choice(text, form.data.get(form.add_prefix(choice_field), "") if form.is_bound else "")
    if chosen is not None:
        return chosen.point, chosen.label
    if keep_unlocated and not can_geocode(jurisdiction):
        return None, text
    found = geocode(jurisdiction, text)
    if found.single is not None:
        return found.single.point, found.single.label
    if found.candidates:
        _ask(form, choice_field, text, found.candidates)
        raise ValidationError(
            found.message or _("Several places match “%(address)s”: choose one below.") % {"address": text},
            code="ambiguous",
        )
    raise ValidationError(found.message, code="not_found")
