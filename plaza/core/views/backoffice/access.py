"""Who sees which part of the back office: each section needs one of a few roles."""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.models import Jurisdiction, Role
from plaza.core.permissions import is_network_staff
from plaza.core.queries.backoffice import roles_held

SECTION_ROLES: dict[str, tuple[str, ...]] = {
    "processes": (Role.ADMIN,),
    "roles": (Role.ADMIN,),
    "settings": (Role.ADMIN,),
    "census": (Role.ADMIN,),
    "gazetteer": (Role.ADMIN,),
    "verify": (Role.ADMIN, Role.POLL_OFFICER),
    "audit": (Role.ADMIN, Role.ASSESSOR),
    "moderation": (Role.ADMIN, Role.MODERATOR),
    "jobs": (Role.ADMIN,),
}


@dataclass(frozen=True)
class Access:
    """What one account may open in one jurisdiction's back office."""

    roles: frozenset[str]
    sections: frozenset[str]

    @property
    def any(self) -> bool:
        return bool(self.roles or self.sections)

    def __contains__(self, section: str) -> bool:
        return section in self.sections


def access_for(user, jurisdiction: Jurisdiction) -> Access:
    if user.is_superuser:
        return Access(frozenset(Role.values), frozenset(SECTION_ROLES) | {"jurisdictions"})
    roles = roles_held(user, jurisdiction)
    sections = {name for name, needed in SECTION_ROLES.items() if roles.intersection(needed)}
    if is_network_staff(user):
        # The network's staff name a new jurisdiction's first admins, and add jurisdictions.
        sections.add("roles")
        if jurisdiction.kind == Jurisdiction.Kind.NETWORK:
            sections.add("jurisdictions")
    return Access(frozenset(roles), frozenset(sections))


def backoffice_view(section: str | None = None):
    """Signed in, allowed into `section` (or holding any role here), in the jurisdiction's time zone."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            access = access_for(request.user, request.jurisdiction)
            allowed = access.any if section is None else section in access
            if not allowed:
                raise PermissionDenied(_("You do not have the role needed for this page."))
            request.backoffice = access
            with timezone.override(request.jurisdiction.zone):
                return view(request, *args, **kwargs)

        return wrapper

    return decorate
