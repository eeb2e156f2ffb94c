"""Money for people: an amount written the way the active language writes it (Babel's CLDR data).

"6000000.00" in EUR is "€6,000,000" in English and "6 000 000 €" in French: whole amounts drop
their cents, others keep the currency's usual digits. Templates use `{{ amount|money:currency }}`.
"""

import re
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import UnknownCurrencyError, format_currency
from django.conf import settings
from django.utils import translation

_FRACTION = re.compile(r"\.0+")


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))


def format_money(amount, currency: str, language: str | None = None) -> str:
    """The amount in `currency` for `language` (the active one by default); "" for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if not value.is_finite():
        return str(amount)
    locale = _locale(language or translation.get_language() or settings.LANGUAGE_CODE)
    currency = (currency or "").upper()
    pattern = locale.currency_formats["standard"].pattern
    whole = value == value.to_integral_value()
    try:
        if whole:
            return format_currency(
                value, currency, format=_FRACTION.sub("", pattern), locale=locale, currency_digits=False
            )
        return format_currency(value, currency, locale=locale)
    except UnknownCurrencyError:
        return f"{value} {currency}".strip()
