"""Input validation for the back office: processes, phases, components, roles, the jurisdiction's look."""

import re
import zoneinfo

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from plaza.core.components import registry
from plaza.core.models import Jurisdiction, PhaseAction, Role, User
from plaza.core.models.jurisdictions import COLOUR, validate_slug_not_reserved
from plaza.core.models.moderation import BLOCK_REASON_MAX_LENGTH

LOGO_MAX_BYTES = 1024 * 1024
# Raster images only: an SVG logo could carry script.
LOGO_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": (".png",),
    b"\xff\xd8\xff": (".jpg", ".jpeg"),
    b"GIF87a": (".gif",),
    b"GIF89a": (".gif",),
}
HOSTNAME = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a domain name such as participa.example.org."),
    flags=re.IGNORECASE,
)
# White text sits on the primary and accent colours: WCAG AA needs 4.5:1.
MIN_CONTRAST_WITH_WHITE = 4.5


def add_operation_errors(form: forms.Form, error: ValidationError) -> None:
    """Show an operation's refusal next to the field it concerns, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


def account_by_email(email: str) -> User:
    """The account an e-mail field names (a role to grant, an account to block), or the field's error."""
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise ValidationError(_("No account uses this e-mail address."))
    return user


def contrast_with_white(colour: str) -> float:
    """WCAG 2.1 contrast ratio of a #RRGGBB colour against white."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LocalDateTimeInput(forms.DateTimeInput):
    """A date and time in the current (the jurisdiction's) time zone, without JavaScript."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ProcessForm(forms.Form):
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        help_text=_("Letters, numbers and hyphens; it becomes part of the page address and cannot change later."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    subtitle = forms.CharField(label=_("Subtitle"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["slug"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug == "new":
            raise ValidationError(_("This address is reserved."))
        return slug

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The process cannot end before it starts."))
        return data


class PhaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LocalDateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LocalDateTimeInput)

    def __init__(self, *args, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = _("Date and time in %(zone)s.") % {"zone": time_zone}

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A phase must end after it starts."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log."),
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


class BlockForm(forms.Form):
    """Why a moderator blocks an account: public, shown in the place of what is hidden (the operation checks it)."""

    reason = forms.CharField(
        label=_("Public reason"),
        max_length=BLOCK_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the place of what the account wrote here, and in the public record."),
    )


class BlockByEmailForm(BlockForm):
    """Blocking an account the moderator knows by its e-mail address (a complaint, say) rather than from a page."""

    email = forms.EmailField(label=_("Account e-mail"), help_text=_("The address the account signs in with."))
    field_order = ["email", "reason"]

    def clean_email(self):
        return account_by_email(self.cleaned_data["email"])


class ComponentAddForm(forms.Form):
    manifest_name = forms.ChoiceField(label=_("Component"), choices=())
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"), max_length=60, help_text=_("Letters, numbers and hyphens, unique in this process.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read at request time: apps register their manifests at start-up.
        self.fields["manifest_name"].choices = registry.choices()


class ComponentEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    is_published = forms.BooleanField(label=_("Switched on (visible to residents)"), required=False)


def offered_actions(component) -> list[str]:
    """The phase actions worth offering for a component: those its manifest uses, and comments."""
    manifest = component.manifest
    used = {a.phase_action for a in (manifest.actions if manifest else ()) if a.phase_action}
    used.add(PhaseAction.COMMENT)
    return [value for value in PhaseAction.values if value in used]


class StepGridForm(forms.Form):
    """One checkbox to switch each component on in each phase, and one per action it allows."""

    def __init__(self, *args, phases, components, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.phases, self.components = list(phases), list(components)
        labels = dict(PhaseAction.choices)
        self.rows = []
        for component in self.components:
            cells = []
            choices = [(value, labels[value]) for value in offered_actions(component)]
            for phase in self.phases:
                step = steps.get((phase.pk, component.pk))
                prefix = f"step-{phase.pk}-{component.pk}"
                self.fields[f"{prefix}-enabled"] = forms.BooleanField(
                    label=_("Switched on"), required=False, initial=bool(step and step.enabled)
                )
                self.fields[f"{prefix}-actions"] = forms.MultipleChoiceField(
                    label=_("Allowed"),
                    required=False,
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple,
                    initial=list(step.actions) if step else [],
                )
                cells.append((phase, self[f"{prefix}-enabled"], self[f"{prefix}-actions"]))
            self.rows.append((component, cells))

    def settings(self) -> list[tuple]:
        """(phase, component, enabled, actions) for every cell, once valid."""
        found = []
        for component in self.components:
            for phase in self.phases:
                prefix = f"step-{phase.pk}-{component.pk}"
                found.append(
                    (
                        phase,
                        component,
                        self.cleaned_data[f"{prefix}-enabled"],
                        tuple(self.cleaned_data[f"{prefix}-actions"]),
                    )
                )
        return found


class RoleGrantForm(forms.Form):
    email = forms.EmailField(label=_("Account e-mail"), help_text=_("The person must already have an account."))
    role = forms.ChoiceField(label=_("Role"), choices=())
    process = forms.ChoiceField(
        label=_("Only in this process"), required=False, help_text=_("Leave empty for the whole jurisdiction.")
    )
    department = forms.CharField(
        label=_("Department"), max_length=120, required=False, help_text=_("Only for department officials.")
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the public record."),
    )

    def __init__(self, *args, jurisdiction: Jurisdiction, processes, **kwargs):
        super().__init__(*args, **kwargs)
        is_network = jurisdiction.kind == Jurisdiction.Kind.NETWORK
        self.fields["role"].choices = [
            (value, label) for value, label in Role.choices if is_network or value != Role.NETWORK_STAFF
        ]
        self.processes = {str(p.pk): p for p in processes}
        self.fields["process"].choices = [("", _("Whole jurisdiction"))] + [
            (key, p.title) for key, p in self.processes.items()
        ]

    def clean_email(self):
        return account_by_email(self.cleaned_data["email"])

    def clean_process(self):
        key = self.cleaned_data.get("process")
        return self.processes.get(key) if key else None

    def clean(self):
        data = super().clean()
        if data.get("department") and data.get("role") != Role.OFFICIAL:
            self.add_error("department", _("Only department officials have a department."))
        return data


def _validate_logo(upload) -> None:
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must be 1 MB or smaller."))
    head = upload.read(16)
    upload.seek(0)
    name = upload.name.lower()
    for signature, extensions in LOGO_SIGNATURES.items():
        if head.startswith(signature):
            if not name.endswith(extensions):
                raise ValidationError(_("The file name does not match the image type."))
            return
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and name.endswith(".webp"):
        return
    raise ValidationError(_("Upload a PNG, JPEG, GIF or WebP image."))


class JurisdictionFieldsMixin(forms.Form):
    """Fields shared by a new jurisdiction and a jurisdiction's settings."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=language_choices, widget=forms.CheckboxSelectMultiple
    )
    default_language = forms.ChoiceField(label=_("Default language"), choices=language_choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    country = forms.CharField(
        label=_("Country code"),
        max_length=2,
        required=False,
        help_text=_("Two letters (ISO 3166), such as FR or KR: how national phone numbers on the census are read."),
    )
    domain = forms.CharField(
        label=_("Domain"),
        max_length=253,
        required=False,
        validators=[HOSTNAME],
        help_text=_("Optional: a domain that shows this jurisdiction, such as participa.example.org."),
    )

    def clean_domain(self):
        return (self.cleaned_data.get("domain") or "").strip().lower() or None

    def clean_country(self):
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if country and country not in phonenumbers.SUPPORTED_REGIONS:
            raise ValidationError(_("This is not a two-letter country code."))
        return country

    def clean(self):
        data = super().clean()
        languages, default = data.get("languages"), data.get("default_language")
        if languages and default and default not in languages:
            self.add_error("default_language", _("The default language must be one of the languages."))
        return data


class JurisdictionSettingsForm(JurisdictionFieldsMixin):
    primary_colour = forms.CharField(
        label=_("Main colour"),
        max_length=7,
        validators=[COLOUR],
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("White text is written on it, so it must be dark enough to read."),
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        validators=[COLOUR],
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Used for badges and highlights, also with white text."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, at most 1 MB."),
        validators=[_validate_logo],
    )

    def _clean_colour(self, name: str):
        colour = self.cleaned_data[name].lower()
        if contrast_with_white(colour) < MIN_CONTRAST_WITH_WHITE:
            raise ValidationError(_("This colour is too light: white text on it would be hard to read."))
        return colour

    def clean_primary_colour(self):
        return self._clean_colour("primary_colour")

    def clean_accent_colour(self):
        return self._clean_colour("accent_colour")

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("logo"):
            data.pop("logo", None)  # no new file: keep the current logo
        return data


class NewJurisdictionForm(JurisdictionFieldsMixin):
    slug = forms.SlugField(
        label=_("Address"),
        max_length=60,
        validators=[validate_slug_not_reserved],
        help_text=_("Letters, numbers and hyphens: the jurisdiction lives at /address/."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Jurisdiction.Kind.choices, initial=Jurisdiction.Kind.CITY)
    parent = forms.ChoiceField(label=_("Inside"), choices=())

    field_order = ["name", "slug", "kind", "parent"]

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.parents = {str(j.pk): j for j, _depth in parents}
        self.fields["parent"].choices = [(str(j.pk), "— " * depth + j.name) for j, depth in parents]

    def clean_parent(self):
        return self.parents[self.cleaned_data["parent"]]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Jurisdiction.objects.filter(slug=slug).exists():
            raise ValidationError(_("Another jurisdiction already uses this address."))
        return slug


class SendContentForm(forms.Form):
    """Send a piece of content to a component that decides on it or tracks it (see operations/links.py)."""

    component = forms.TypedChoiceField(label=_("Send to"), coerce=int, choices=())
    note = forms.CharField(
        label=_("Public note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the link on both pages."),
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [
            (instance.pk, f"{instance.process.title} — {instance.title} ({target.label})")
            for instance, target in targets
        ]
