"""Issuing, using and revoking a resident's API tokens."""

import logging
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core import rows
from plaza.core.models import ApiToken, Jurisdiction, User
from plaza.core.models.api import TOKEN_PREFIX, hash_secret

logger = logging.getLogger(__name__)

MAX_ACTIVE_TOKENS = 50
# Recording every use would turn each API read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def create_api_token(
    *, actor, name: str, scope: str = ApiToken.Scope.READ, jurisdiction: Jurisdiction | None = None
) -> tuple[ApiToken, str]:
    """A new token for the actor's own account, and its secret: shown once, never stored."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to create an API token."))
    with transaction.atomic():
        # Lock the account row so two requests cannot both pass the limit.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if ApiToken.objects.filter(user=actor, revoked_at=None).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(_("You have too many tokens; revoke one you no longer use."))
        prefix = f"{TOKEN_PREFIX}{secrets.token_hex(4)}"
        secret = f"{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken(
            user=actor,
            name=name.strip(),
            prefix=prefix,
            secret_hash=hash_secret(secret),
            scope=scope,
            jurisdiction=jurisdiction,
        )
        token.full_clean()
        token.save()
    logger.info("API token %s created for account %s", prefix, actor.pk)
    return token, secret


def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    if actor is None or not actor.is_authenticated or token.user_id != actor.pk:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        logger.info("API token %s revoked", token.prefix)
    return token


_token_queries: dict[str, tuple] = {}


def _token_query(connection) -> tuple[str, rows.Columns, rows.Columns]:
    quote = connection.ops.quote_name
    token, user = rows.columns(ApiToken, "t", connection), rows.columns(User, "u", connection)
    sql = (
        f"SELECT {token.select}, {user.select} FROM {quote(ApiToken._meta.db_table)} t "  # noqa: S608 - model names
        f"JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = t.{quote('user_id')} "
        f"WHERE t.{quote('secret_hash')} = %s AND t.{quote('revoked_at')} IS NULL AND u.{quote('is_active')}"
    )
    return sql, token, user


def use_api_token(secret: str) -> ApiToken | None:
    """The active token with this secret, with its account (recording its use), or None.

    What `select_related("user").filter(secret_hash=…, revoked_at=None, user__is_active=True)` reads, from SQL
    written once per process (every API write asks; compiling the queryset cost more than running it)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    connection = connections[router.db_for_read(ApiToken)]
    if connection.vendor not in _token_queries:
        _token_queries[connection.vendor] = _token_query(connection)
    sql, token_columns, user_columns = _token_queries[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(sql, [hash_secret(secret)])
        row = cursor.fetchone()
    if row is None:
        return None
    token = rows.instance(token_columns, row[: len(token_columns)], connection)
    token.user = rows.instance(user_columns, row[len(token_columns) :], connection)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_use_sql(done: str) -> str:
    """The UPDATE recording the token use of the CTE `holder` (`plaza.core.queries.api_tokens.holder_sql`), as
    `use_api_token` records it (when the last is over a minute old), run only when the CTE `done` has a row.
    Parameters: `%(now)s`, `%(stale)s` (now less the precision)."""
    return f"""
        UPDATE {ApiToken._meta.db_table} SET last_used_at = %(now)s FROM holder
        WHERE {ApiToken._meta.db_table}.id = holder.token_id AND EXISTS (SELECT 1 FROM {done})
          AND (holder.last_used_at IS NULL OR holder.last_used_at < %(stale)s)
    """  # noqa: S608 - the table name from the model, values as parameters
