"""Reading an account's own notifications (across the jurisdictions it takes part in)."""

from django.db.models import QuerySet

from plaza.core.models import Notification
from plaza.core.operations.notifications import describe


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.with_scopes_disabled().filter(recipient=user)


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return notifications_for(user).filter(read_at=None).count()


def account_notifications(user) -> list[dict]:
    """An account's notifications as its data download shows them (the sentence, not the actor's account)."""
    rows = notifications_for(user).select_related("jurisdiction").order_by("created_at", "id")
    return [
        {
            "jurisdiction": n.jurisdiction.slug,
            "event": n.event,
            "text": describe(n),
            "url": n.url,
            "created_at": n.created_at.isoformat(),
            "read_at": n.read_at.isoformat() if n.read_at else None,
            "emailed_at": n.emailed_at.isoformat() if n.emailed_at else None,
        }
        for n in rows
    ]
