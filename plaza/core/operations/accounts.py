"""A resident's own account: profile, download of their data, and erasure."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.components import registry
from plaza.core.models import RoleGrant, User, Verification
from plaza.core.operations.comments import erase_account_participation
from plaza.core.operations.notifications import erase_account_notifications
from plaza.core.queries.comments import account_participation
from plaza.core.queries.notifications import account_notifications
from plaza.core.tenancy import across_jurisdictions


def update_profile(*, actor, user: User, public_name: str, language: str) -> User:
    if actor != user:
        raise PermissionDenied(_("You can only change your own profile."))
    user.public_name = public_name.strip()
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["public_name", "language"])
    return user


def export_account_data(*, actor, user: User) -> dict:
    """Everything Plaza keeps about an account, as the owner may download it."""
    if actor != user:
        raise PermissionDenied(_("You can only download your own data."))
    with across_jurisdictions():
        verifications = [
            {
                "jurisdiction": v.jurisdiction.slug,
                "level": v.get_level_display(),
                "verified_at": v.verified_at.isoformat(),
            }
            for v in Verification.objects.filter(user=user).select_related("jurisdiction")
        ]
        roles = [
            {"jurisdiction": g.jurisdiction.slug, "role": g.role, "process": g.process.slug if g.process else None}
            for g in RoleGrant.objects.filter(user=user).select_related("jurisdiction", "process")
        ]
        components = {m.name: m.personal_data(user) for m in registry if m.personal_data}
        participation = account_participation(user)
        notifications = account_notifications(user)
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "public_name": user.public_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "verifications": verifications,
        "roles": roles,
        **participation,
        "notifications": notifications,
        "components": components,
    }


def delete_account(*, actor, user: User) -> None:
    """Erase the account. Verified persons stay (a vote cast stays counted) but lose the link.

    Comments stay in their threads as "Deleted account" (a reply keeps its context); comment
    votes, reports, follows and notifications go.
    """
    if actor != user:
        raise PermissionDenied(_("You can only delete your own account."))
    with transaction.atomic(), across_jurisdictions():
        for manifest in registry:
            if manifest.erase_personal_data:
                manifest.erase_personal_data(user)
        erase_account_participation(user)
        erase_account_notifications(user)
        user.delete()
