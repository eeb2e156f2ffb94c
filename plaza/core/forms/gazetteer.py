"""Back-office input for the gazetteer: an OpenAddresses file to import, an address to try."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class GazetteerUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Addresses file (CSV or GeoJSON)"),
        help_text=_(
            "OpenAddresses columns: LON, LAT, NUMBER, STREET, UNIT, CITY, DISTRICT, REGION, POSTCODE, and "
            "optionally NAME for named places; or GeoJSON Points with those properties. Larger files: "
            "manage.py import_gazetteer."
        ),
    )
    replace = forms.BooleanField(label=_("Replace the whole gazetteer with this file"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB: use the import_gazetteer command."))
        if not upload.name.lower().endswith((".csv", ".txt", ".geojson", ".json", ".geojsonl", ".ndjson")):
            raise forms.ValidationError(_("Upload a CSV or GeoJSON file."))
        return upload


class AddressTryForm(forms.Form):
    address = forms.CharField(label=_("Try an address"), max_length=300)
