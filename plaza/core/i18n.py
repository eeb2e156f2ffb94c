"""Choosing the page language within the languages a jurisdiction offers."""

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def browser_languages(request) -> list[str]:
    """The languages the browser asks for, best first, reduced to their base codes ("es-AR" -> "es")."""
    header = request.headers.get("Accept-Language", "")
    return [code.split("-")[0].lower() for code, _quality in parse_accept_lang_header(header) if code != "*"]


class JurisdictionLocaleMiddleware:
    """Language from ?lang=, the language cookie, the account, the browser, then the jurisdiction."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        jurisdiction = getattr(request, "jurisdiction", None)
        allowed = jurisdiction.languages if jurisdiction and jurisdiction.languages else LANGUAGE_CODES
        chosen = request.GET.get("lang")
        candidates = [chosen, request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)]
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            candidates.append(user.language)
        candidates.extend(browser_languages(request))
        candidates.append(jurisdiction.default_language if jurisdiction else settings.LANGUAGE_CODE)
        language = next((c for c in candidates if c and c in allowed), allowed[0])
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if chosen and chosen in allowed:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 3600, samesite="Lax")
        translation.deactivate()
        return response
