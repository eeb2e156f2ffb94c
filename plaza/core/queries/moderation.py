"""Reading the accounts blocked in a jurisdiction."""

from plaza.core.models import BlockedAccount, Jurisdiction


def blocked_accounts(jurisdiction: Jurisdiction) -> list[BlockedAccount]:
    """The accounts moderators blocked in the jurisdiction, newest first, with who they are and who blocked them."""
    return list(
        BlockedAccount.objects.with_scope(jurisdiction=jurisdiction)
        .select_related("user", "blocked_by")
        .order_by("-created_at", "-id")
    )
