"""Page forms: reporting, the nearby check, the staff workflow and the set-up pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plaza.core.forms.geocoding import geocode_typed, location_choice_field
from plaza.core.geo import parse_point
from plaza.reports.models import CloseReason, Status
from plaza.reports.operations import DESCRIPTION_MAX, MAX_PHOTOS, NOTE_MAX


def read_location(text: str):
    """(point, address): "lat, lon" becomes a point; other text is an address; numbers out of range are refused."""
    text = (text or "").strip()
    try:
        return parse_point(text), ""
    except ValidationError as bad:
        if bad.code == "format":
            return None, text
        raise


class LocationField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        point, address = read_location(value)
        if point is None and len(address) < 3:
            raise ValidationError(_("Give coordinates such as “37.5665, 126.9780” or an address."))
        return point, address


class CheckNearbyForm(forms.Form):
    """Step one (a GET form): what and where, to list open reports of that kind nearby."""

    category = forms.ChoiceField(label=_("Category"))
    location = LocationField(
        label=_("Location"),
        max_length=300,
        help_text=_(
            "Coordinates as “latitude, longitude” (for example 37.5665, 126.9780), or an address. "
            "With JavaScript you can also pick the place on the map."
        ),
    )
    location_choice = location_choice_field()

    def __init__(self, *args, categories=(), jurisdiction=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction
        self.categories = {c.code: c for c in categories}
        self.fields["category"].choices = [("", _("Choose a category"))] + [(c.code, c.name) for c in categories]

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]

    def clean_location(self):
        """A typed address becomes its point (it routes the report); several places: the form asks which."""
        point, address = self.cleaned_data["location"]
        if point is None and self.jurisdiction is not None:
            point, address = geocode_typed(self, address, jurisdiction=self.jurisdiction, keep_unlocated=True)
        return point, address


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return tuple(super(PhotosField, self).clean(f, initial) for f in files)


class ReportForm(CheckNearbyForm):
    def __init__(self, *args, with_email: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "report_%s")  # the nearby check above has the same fields
        super().__init__(*args, **kwargs)
        if with_email:  # someone without an account: the report waits for the link mailed to this address
            self.fields["email"] = forms.EmailField(
                label=_("Your e-mail address"),
                max_length=254,
                help_text=_(
                    "We send you a link: your report is published when you follow it. No account is created; "
                    "the address is shown only to the staff handling the report."
                ),
            )

    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=DESCRIPTION_MAX
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to %(max)s photos (JPEG, PNG or WebP). Their location data is removed before publishing.")
        % {"max": MAX_PHOTOS},
    )
    is_anonymous = forms.BooleanField(label=_("Hide my name from the public"), required=False)


class StatusForm(forms.Form):
    prefix = "status"
    status = forms.ChoiceField(label=_("New status"))
    close_reason = forms.ChoiceField(
        label=_("Reason for closing"), required=False, choices=[("", _("Not closing"))] + list(CloseReason.choices)
    )
    note = forms.CharField(
        label=_("Public note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX
    )

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Status(s).label) for s in statuses]


class AssignForm(forms.Form):
    prefix = "assign"
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(u.pk): u for u in staff}
        self.fields["assignee"].choices = [("", _("Nobody"))] + [(str(u.pk), u.display_name) for u in staff]

    def clean_assignee(self):
        return self.staff.get(self.cleaned_data["assignee"])


class NoteForm(forms.Form):
    prefix = "note"
    template = forms.ChoiceField(label=_("Start from an answer"), required=False)
    body = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=NOTE_MAX
    )
    is_public = forms.BooleanField(label=_("Public (the reporter and followers are told)"), required=False)

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = {str(t.pk): t for t in templates}
        self.fields["template"].choices = [("", _("No template"))] + [(str(t.pk), t.title) for t in templates]

    def clean_template(self):
        return self.templates.get(self.cleaned_data["template"])


class MergeForm(forms.Form):
    prefix = "merge"
    original = forms.IntegerField(
        label=_("Number of the report this one duplicates"),
        min_value=1,
        help_text=_("This report is closed as a duplicate; its followers and supporters move to that report."),
    )
    note = forms.CharField(
        label=_("Public note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX
    )


class ReopenForm(forms.Form):
    prefix = "reopen"
    reason = forms.CharField(
        label=_("Why is the problem not solved?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX
    )


class CategoryForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=60, help_text=_("Open311's service_code: letters, digits, dashes.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    department = forms.CharField(label=_("Department"), max_length=120)
    acknowledge_hours = forms.IntegerField(label=_("Hours to acknowledge"), min_value=1, max_value=100000, initial=48)
    fix_hours = forms.IntegerField(label=_("Hours to fix"), min_value=1, max_value=100000, initial=720)


class TemplateForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.code: c for c in categories}
        self.fields["category"].choices = [(c.code, c.name) for c in categories]

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]


class DestinationForm(forms.Form):
    """Forward a category's reports to another authority's Open311 endpoint."""

    prefix = "open311"
    category = forms.ChoiceField(label=_("Category"))
    endpoint = forms.URLField(
        label=_("Their Open311 endpoint"),
        max_length=300,
        assume_scheme="https",
        help_text=_("The GeoReport v2 base address, e.g. https://authority.example/open311/v2/"),
    )
    service_code = forms.CharField(label=_("Their service code"), max_length=120)
    remote_jurisdiction_id = forms.CharField(label=_("Their jurisdiction_id (if they ask one)"), required=False)
    api_key = forms.CharField(
        label=_("Their api_key"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted and never shown again; leave empty to keep the stored one."),
    )
    is_active = forms.BooleanField(label=_("Forward new reports"), required=False, initial=True)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.code: c for c in categories}
        self.fields["category"].choices = [(c.code, c.name) for c in categories]

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]


class AreasForm(forms.Form):
    geojson = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_("A FeatureCollection of Polygons or MultiPolygons, each with a “name” property."),
    )

    def clean_geojson(self):
        upload = self.cleaned_data["geojson"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is too large: the limit is 5 MB."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as bad:
            raise ValidationError(_("The file must be UTF-8 text.")) from bad
