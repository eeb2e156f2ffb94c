"""Reading the accounts blocked in a jurisdiction, and an account a moderator may block."""

from plaza.core.models import BlockedAccount, Jurisdiction, User


def blocked_accounts(jurisdiction: Jurisdiction) -> list[BlockedAccount]:
    """The accounts moderators blocked in the jurisdiction, newest first, with who they are and who blocked them."""
    return list(
        BlockedAccount.objects.with_scope(jurisdiction=jurisdiction)
        .select_related("user", "blocked_by")
        .order_by("-created_at", "-id")
    )


def block_of(jurisdiction: Jurisdiction, user: User) -> BlockedAccount | None:
    return BlockedAccount.objects.with_scope(jurisdiction=jurisdiction).filter(user=user).first()


def account(user_id: int) -> User | None:
    """Any account (accounts are the network's, not a jurisdiction's): the one a block page names."""
    return User.objects.filter(pk=user_id).first()
