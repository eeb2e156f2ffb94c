"""The caller's own account: `/api/v1/me`."""

from ninja import Router

from plaza.core.api.auth import SIGNED_IN
from plaza.core.api.schemas import MeOut
from plaza.core.models import Verification
from plaza.core.tenancy import across_jurisdictions

router = Router(tags=["account"])


@router.get("/me", response=MeOut, auth=SIGNED_IN)
def me(request):
    """Who the token (or session) belongs to, and where the account is verified."""
    user, token = request.auth.user, request.auth.token
    with across_jurisdictions():
        found = Verification.objects.filter(user=user).select_related("jurisdiction")
        verifications = [
            {
                "jurisdiction": v.jurisdiction.slug,
                "level": v.level,
                "level_label": str(v.get_level_display()),
                "verified_at": v.verified_at,
            }
            for v in found.order_by("jurisdiction__slug")
        ]
    return {
        "email": user.email,
        "public_name": user.public_name,
        "display_name": str(user.display_name),
        "language": user.language,
        "verifications": verifications,
        "token": None
        if token is None
        else {
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.scope,
            "jurisdiction": token.jurisdiction.slug if token.jurisdiction_id else None,
        },
    }
