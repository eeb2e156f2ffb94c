"""Signs of spam and of fake accounts' floods: new accounts are rate-limited, and content that looks like
spam (many links, repeated text, burst posting) is held for a moderator instead of being published."""

import re
from collections import Counter
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.models import ComponentInstance, Verification
from plaza.proposals.models import Debate, Proposal

LINK = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
WORD = re.compile(r"\w+", re.UNICODE)
DEFAULTS = {
    # An account younger than this many hours, and not verified with the census, is "new".
    "spam_new_account_hours": 48,
    # What a new account may write (proposals and debates together) in a day.
    "spam_new_account_daily_limit": 3,
    # More links than this in one text holds it.
    "spam_max_links": 3,
    # This many proposals and debates published by one account within the minutes below hold the next one.
    "spam_burst_count": 3,
    "spam_burst_minutes": 10,
}
REPEATED_WITHIN_DAYS = 30


def spam_setting(component: ComponentInstance, name: str) -> int:
    return int(component.settings.get(name, DEFAULTS[name]))


def is_new_account(actor, component: ComponentInstance) -> bool:
    hours = spam_setting(component, "spam_new_account_hours")
    if actor.date_joined > timezone.now() - timedelta(hours=hours):
        return not Verification.objects.with_scope(jurisdiction=component.jurisdiction).filter(user=actor).exists()
    return False


def _written_since(actor, component: ComponentInstance, since) -> int:
    proposals = Proposal.objects.filter(component=component, author=actor, created_at__gte=since).count()
    return proposals + Debate.objects.filter(component=component, author=actor, created_at__gte=since).count()


def check_new_account_limit(actor, component: ComponentInstance) -> None:
    """A new, unverified account writes at most a few proposals and debates a day (in the caller's transaction)."""
    if not is_new_account(actor, component):
        return
    limit = spam_setting(component, "spam_new_account_daily_limit")
    if _written_since(actor, component, timezone.now() - timedelta(days=1)) >= limit:
        raise ValidationError(
            _(
                "New accounts can write %(limit)s proposals or debates a day. "
                "Verify your identity with the census, or come back tomorrow."
            )
            % {"limit": limit}
        )


def _looks_repetitive(text: str) -> bool:
    words = [w.lower() for w in WORD.findall(text)]
    if len(words) >= 12 and Counter(words).most_common(1)[0][1] * 2 > len(words):
        return True
    lines = [line.strip().lower() for line in text.splitlines() if line.strip()]
    return len(lines) >= 3 and Counter(lines).most_common(1)[0][1] >= 3


def _posted_before(model, component: ComponentInstance, body: str, exclude_pk) -> bool:
    since = timezone.now() - timedelta(days=REPEATED_WITHIN_DAYS)
    found = model.objects.filter(component=component, body=body, created_at__gte=since)
    if exclude_pk is not None and model is Proposal:
        found = found.exclude(pk=exclude_pk)
    return found.exists()


def _burst(actor, component: ComponentInstance, exclude_pk=None) -> bool:
    since = timezone.now() - timedelta(minutes=spam_setting(component, "spam_burst_minutes"))
    published = Proposal.objects.filter(component=component, author=actor, published_at__gte=since)
    if exclude_pk is not None:
        published = published.exclude(pk=exclude_pk)
    recent = published.count() + Debate.objects.filter(component=component, author=actor, created_at__gte=since).count()
    return recent >= spam_setting(component, "spam_burst_count")


def hold_reasons(actor, component: ComponentInstance, *, model, title: str, body: str, exclude_pk=None) -> list[str]:
    """Why this text should wait for a moderator (translated), or nothing if it may be published now."""
    reasons = []
    text = f"{title}\n{body}"
    if len(LINK.findall(text)) > spam_setting(component, "spam_max_links"):
        reasons.append(_("many links"))
    if _looks_repetitive(text) or _posted_before(model, component, body, exclude_pk):
        reasons.append(_("repeated text"))
    if _burst(actor, component, exclude_pk):
        reasons.append(_("many posts in a few minutes"))
    if reasons and is_new_account(actor, component):
        reasons.append(_("a new account"))
    return reasons
