"""Every interface string is translated into each shipped language, for real (not copies of English)."""

import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

SHIPPED = ["es", "fr", "pt"]
# Words that are the same in the target language (product names, units, acronyms).
SAME_EVERYWHERE = {"API", "Plaza", "Token", "E-mail", "Markdown", "OpenAPI", "CSV", "JSON", "GeoJSON", "Leaflet"}


def catalogue(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", SHIPPED)
def test_catalogue_is_complete_and_valid(language):
    po = polib.pofile(str(catalogue(language)))
    assert po.untranslated_entries() == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    result = subprocess.run(
        ["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(catalogue(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_are_not_copies_of_english(language):
    po = polib.pofile(str(catalogue(language)))
    copies = [e.msgid for e in po.translated_entries() if e.msgstr == e.msgid and e.msgid not in SAME_EVERYWHERE]
    # A word may be the same in both languages ("Description", "Date", "Position" in French); a phrase of
    # three words or more left as it was is English nobody translated.
    assert [msgid for msgid in copies if len(msgid.split()) >= 3] == []
    assert len(copies) <= 0.05 * len(po), copies


@pytest.mark.parametrize("language, expected", [("es", "es"), ("fr", "fr"), ("pt", "pt")])
def test_pages_speak_the_chosen_language(client, db, language, expected):
    with translation.override(language):
        heading = translation.gettext("Open government, together")
    assert heading != "Open government, together"
    page = client.get(f"/?lang={language}").content.decode()
    assert f'lang="{expected}"' in page
    assert heading in page
