"""Input validation for core's pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from plaza.core.models import User


class CensusUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Census file (CSV)"),
        help_text=_(
            "Columns: document_id, date_of_birth (YYYY-MM-DD), postal_code; "
            "optional: district, gender, email and phone (where one-time voting codes are sent; a phone number "
            "without its +country code is read as a number of the jurisdiction's country)."
        ),
    )
    replace = forms.BooleanField(
        label=_("Replace the whole census (people not in this file can no longer verify)"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 200 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a CSV file."))
        return upload


class CensusMatchForm(forms.Form):
    document_id = forms.CharField(
        label=_("Identity document number"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        help_text=_("YYYY-MM-DD"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )


class InPersonVerificationForm(CensusMatchForm):
    email = forms.EmailField(label=_("Resident's account e-mail (optional)"), required=False)

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip().lower()
        if not email:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            raise forms.ValidationError(_("No account uses this e-mail address."))
        return user


class ProfileForm(forms.Form):
    public_name = forms.CharField(
        label=_("Public name"),
        max_length=80,
        required=False,
        help_text=_("Shown next to what you write. Leave empty to stay anonymous."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Browser default")), *settings.LANGUAGES], required=False
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(label=_("Type DELETE to confirm"), max_length=10)

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "DELETE":
            raise forms.ValidationError(_("Type DELETE in capital letters to confirm."))
        return "DELETE"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “Budget dashboard”.")
    )
    scope = forms.ChoiceField(
        label=_("What the token may do"),
        choices=[("read", _("Read only")), ("write", _("Read and write (act as you)"))],
        initial="read",
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("Only for this jurisdiction"),
        queryset=None,
        required=False,
        empty_label=_("Any jurisdiction"),
        help_text=_("A restricted token cannot act anywhere else."),
    )

    def __init__(self, *args, **kwargs):
        from plaza.core.queries.processes import active_jurisdictions

        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = active_jurisdictions().order_by("name")
