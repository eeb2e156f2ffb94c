"""Who is calling the API: a bearer token, a signed-in session (the browsable docs), or anyone."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from plaza.core.models import ApiToken, Jurisdiction, Role
from plaza.core.operations.api_tokens import use_api_token
from plaza.core.permissions import has_role


@dataclass(frozen=True)
class Principal:
    """The caller of one request; always truthy, so ninja accepts an anonymous reader."""

    user: object
    token: ApiToken | None = None

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    def may_act_in(self, jurisdiction: Jurisdiction) -> bool:
        """False when the token is restricted to another jurisdiction."""
        return self.token is None or self.token.jurisdiction_id in (None, jurisdiction.pk)

    def require_act_in(self, jurisdiction: Jurisdiction) -> None:
        """Raise unless this caller is signed in and its token (if any) is not restricted to another jurisdiction."""
        if not self.is_authenticated:
            raise AuthenticationError()
        if not self.may_act_in(jurisdiction):
            raise PermissionDenied(_("This token is restricted to %(name)s.") % {"name": self.token.jurisdiction.name})

    def require_write(self, jurisdiction: Jurisdiction) -> None:
        """Raise unless this caller may write in `jurisdiction` (roles are the operation's job)."""
        if not self.is_authenticated:
            raise AuthenticationError()
        if self.token is not None and not self.token.can_write:
            raise PermissionDenied(_("This token can only read; create a token with the write scope."))
        self.require_act_in(jurisdiction)

    def is_admin_of(self, jurisdiction: Jurisdiction) -> bool:
        return self.may_act_in(jurisdiction) and has_role(self.user, jurisdiction, Role.ADMIN)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; a token that is wrong or revoked answers 401, never anonymous."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        found = use_api_token(token.strip())
        if found is None:
            raise AuthenticationError()
        request.user = found.user
        return Principal(user=found.user, token=found)


class SessionPrincipalAuth(SessionAuth):
    """The signed-in session, so the browsable docs work; CSRF is checked on writes."""

    def __call__(self, request: HttpRequest) -> Principal | None:
        # Without a signed-in session there is nothing to protect from CSRF: fall through (to 401).
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = super().authenticate(request, key)
        return Principal(user=user) if user is not None else None


def anonymous(request: HttpRequest) -> Principal:
    """Anyone may read public data."""
    return Principal(user=AnonymousUser())


token_auth = TokenAuth()
session_auth = SessionPrincipalAuth()
ANYONE = [token_auth, session_auth, anonymous]
# In the OpenAPI document: a token or a session is accepted, and so is nothing at all.
PUBLIC_READ = {"security": [{"TokenAuth": []}, {"SessionPrincipalAuth": []}, {}]}
SIGNED_IN = [token_auth, session_auth]
