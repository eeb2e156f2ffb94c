"""Reading a resident's API tokens (their own only)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from plaza.core.models import ApiToken, CensusRecord, Person, User, Verification
from plaza.core.models.api import hash_secret
from plaza.core.operations.api_tokens import LAST_USED_PRECISION


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("jurisdiction")


def token_of(user, pk: int) -> ApiToken:
    """The account's token, or 404: another account's token is as good as missing."""
    return get_object_or_404(tokens_of(user), pk=pk)


def holder_sql(census: str = "") -> str:
    """A SELECT of the write token's holder as a verified person of a jurisdiction, for a CTE named `holder`.

    Its columns: `token_id`, `last_used_at` (the token's) and `person_id`. Parameters: `%(secret_hash)s`,
    `%(jurisdiction)s` (an id), `%(write)s` (the write scope), `%(level)s` (the least verification level). `census`
    adds conditions on the person's census record `c` (an electorate's). No row: no such token, not a write token,
    revoked, restricted to another jurisdiction, an inactive account, no verification here at that level, or
    outside those conditions.
    """
    token, user = ApiToken._meta.db_table, User._meta.db_table
    verification, person, record = Verification._meta.db_table, Person._meta.db_table, CensusRecord._meta.db_table
    # Every person has their census record (a required one-to-one): joined only for `census`'s conditions.
    records = f"JOIN {person} p ON p.id = v.person_id JOIN {record} c ON c.id = p.census_record_id" if census else ""
    return f"""
        SELECT t.id AS token_id, t.last_used_at AS last_used_at, v.person_id AS person_id
        FROM {token} t
        JOIN {user} u ON u.id = t.user_id AND u.is_active
        JOIN {verification} v ON v.user_id = u.id AND v.jurisdiction_id = %(jurisdiction)s AND v.level >= %(level)s
        {records}
        WHERE t.secret_hash = %(secret_hash)s AND t.revoked_at IS NULL AND t.scope = %(write)s
          AND (t.jurisdiction_id IS NULL OR t.jurisdiction_id = %(jurisdiction)s){census}
    """  # noqa: S608 - table names from the models, values as parameters


def holder_params(secret: str, jurisdiction_id: int, level: int = Verification.Level.VERIFIED) -> dict:
    """The parameters of `holder_sql` and of `plaza.core.operations.api_tokens.token_use_sql`."""
    now = timezone.now()
    return {
        "secret_hash": hash_secret(secret),
        "jurisdiction": jurisdiction_id,
        "write": ApiToken.Scope.WRITE.value,
        "level": int(level),
        "now": now,
        "stale": now - LAST_USED_PRECISION,
    }
