"""Reading a resident's API tokens (their own only)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from plaza.core.models import ApiToken


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("jurisdiction")


def token_of(user, pk: int) -> ApiToken:
    """The account's token, or 404: another account's token is as good as missing."""
    return get_object_or_404(tokens_of(user), pk=pk)
