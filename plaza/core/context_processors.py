"""Template context every page needs: the jurisdiction, its look and languages."""

from django.conf import settings


def plaza(request) -> dict:
    jurisdiction = getattr(request, "jurisdiction", None)
    codes = jurisdiction.languages if jurisdiction else [code for code, _n in settings.LANGUAGES]
    names = dict(settings.LANGUAGES)
    return {
        "jurisdiction": jurisdiction,
        "site_languages": [(code, names.get(code, code)) for code in codes],
    }
