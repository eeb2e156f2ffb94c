"""`{{ amount|money:currency }}`: an amount of money in the active language's way (see plaza.core.money)."""

from django import template

from plaza.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str = "EUR") -> str:
    return format_money(amount, currency)
