"""Issuing, using and revoking a resident's API tokens."""

import logging
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


def use_api_token(secret: str) -> ApiToken | None:
    """The active token with this secret (recording its use), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "jurisdiction")
        .filter(secret_hash=hash_secret(secret), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
