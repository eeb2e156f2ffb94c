"""Money written the way each language writes it: `{{ amount|money:currency }}` (plaza.core.money)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from plaza.core.money import format_money

NNBSP, NBSP = "\u202f", "\xa0"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€6,000,000"),
        ("fr", f"6{NNBSP}000{NNBSP}000{NBSP}€"),
        ("es", f"6.000.000{NBSP}€"),
        ("pt", f"€{NBSP}6.000.000"),
    ],
)
def test_whole_amounts_drop_their_cents_in_each_language(language, expected):
    with translation.override(language):
        rendered = Template("{% load money %}{{ amount|money:'EUR' }}").render(Context({"amount": Decimal("6e6")}))
    assert rendered == expected


def test_cents_are_kept_when_there_are_some():
    assert format_money(Decimal("1500.25"), "EUR", "en") == "€1,500.25"
    assert format_money(Decimal("1500.25"), "ARS", "es") == f"1.500,25{NBSP}ARS"
    assert format_money(Decimal("-10000"), "EUR", "en") == "-€10,000"


def test_nothing_for_no_amount_and_a_plain_text_for_what_is_not_money():
    assert format_money(None, "EUR", "en") == ""
    assert format_money("a lot", "EUR", "en") == "a lot"
    assert format_money(Decimal("12"), "eur", "xx-unknown") == "€12"
