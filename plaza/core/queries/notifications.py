"""Reading an account's own notifications (across the jurisdictions it takes part in)."""

from django.db.models import QuerySet

from plaza.core.models import Notification


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.with_scopes_disabled().filter(recipient=user)


def unread_count(user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return notifications_for(user).filter(read_at=None).count()
