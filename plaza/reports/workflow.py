"""The status transition table: what staff may move a report to from where it is."""

from plaza.reports.models import Status

S = Status
STAFF_TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS, S.FIXED, S.CLOSED}),
    S.ACKNOWLEDGED: frozenset({S.IN_PROGRESS, S.FIXED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.FIXED, S.CLOSED}),
    # Work found unfinished after all goes back to the team, not to the queue.
    S.FIXED: frozenset({S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
}
# The reporter may reopen what staff marked fixed or closed.
REOPENABLE = frozenset({S.FIXED, S.CLOSED})


def staff_may_move(current: str, target: str) -> bool:
    return target in STAFF_TRANSITIONS.get(current, frozenset())


def next_statuses(current: str) -> list[str]:
    return [s for s in Status.values if staff_may_move(current, s)]
