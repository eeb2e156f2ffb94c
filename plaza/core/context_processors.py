"""Template context every page needs: the jurisdiction, its look and languages, and whether to offer the back office."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def plaza(request) -> dict:
    jurisdiction = getattr(request, "jurisdiction", None)
    codes = jurisdiction.languages if jurisdiction else [code for code, _n in settings.LANGUAGES]
    names = dict(settings.LANGUAGES)
    return {
        "jurisdiction": jurisdiction,
        "site_languages": [(code, names.get(code, code)) for code in codes],
        # Asked only when the header is rendered for a signed-in visitor.
        "may_manage": SimpleLazyObject(lambda: _may_manage(request, jurisdiction)),
    }


def _may_manage(request, jurisdiction) -> bool:
    from plaza.core.permissions import holds_any_role

    user = getattr(request, "user", None)
    if jurisdiction is None or user is None or not user.is_authenticated:
        return False
    return holds_any_role(user, jurisdiction)
