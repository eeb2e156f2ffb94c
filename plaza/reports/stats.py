"""Responsiveness figures: per-day aggregates moved in the same transaction as each change, and the dashboard's reads.

Every change of a report (reported, acknowledged, fixed, closed, reopened) adds to one `DailyStat`
row (its day in the jurisdiction's time zone, its category, department and area) and moves one
`OpenCount`. The dashboard sums those small tables; it never scans the reports. Times are sums of
seconds with their counts, so averages add up across days, categories and areas.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from plaza.core import rows
from plaza.core.models import Jurisdiction
from plaza.reports.models import OPEN_STATUSES, Area, Category, DailyStat, OpenCount, Report, Status, Update

COUNTERS = (
    "reported",
    "acknowledged",
    "acknowledge_seconds",
    "acknowledged_late",
    "fixed",
    "fix_seconds",
    "fixed_late",
    "closed",
    "reopened",
)
PERIODS = {"week": 26, "month": 12}
CACHE_SECONDS = 120  # a safety net: every change forgets the cached figures at once and again on commit


def _cache_keys(jurisdiction_id: int) -> list[str]:
    variants = [f"{period}:{int(departments)}" for period in PERIODS for departments in (True, False)]
    return [f"reports:figures:{jurisdiction_id}:{v}" for v in [*variants, "summary"]]


def forget_figures(jurisdiction_id: int) -> None:
    """Drop the cached dashboard figures: in a transaction now (for its own later reads) and once more when it
    commits (a read in between could have cached the figures from before it); outside one, once, at once: call it
    after the write then."""
    keys = _cache_keys(jurisdiction_id)
    if transaction.get_connection().in_atomic_block:
        cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


@dataclass
class Change:
    """What one change of a report adds: counters on its day, and a move of the open count."""

    day: date
    counters: dict[str, int] = field(default_factory=dict)
    open: int = 0


def _day(jurisdiction: Jurisdiction, at: datetime) -> date:
    return timezone.localtime(at, jurisdiction.zone).date()


def change_of(report: Report, *, previous: str | None, new: str, at: datetime, acknowledged_now: bool) -> Change:
    """The figures a change moves; `previous` is None when the report is created."""
    change = Change(day=_day(report.jurisdiction, at))
    counters = change.counters
    if previous is None:
        counters["reported"] = 1
        change.open += 1
    if acknowledged_now:
        seconds = max(0, int((at - report.created_at).total_seconds()))
        counters.update(acknowledged=1, acknowledge_seconds=seconds)
        counters["acknowledged_late"] = int(seconds > report.category.acknowledge_hours * 3600)
    was_open = previous is None or previous in OPEN_STATUSES
    if new == Status.FIXED and previous != Status.FIXED:
        seconds = max(0, int((at - report.created_at).total_seconds()))
        counters.update(fixed=1, fix_seconds=seconds, fixed_late=int(seconds > report.category.fix_hours * 3600))
    elif new == Status.CLOSED and previous != Status.CLOSED:
        counters["closed"] = 1
    if was_open and new not in OPEN_STATUSES:
        change.open -= 1
    elif previous is not None and not was_open and new in OPEN_STATUSES:
        counters["reopened"] = 1
        change.open += 1
    return change


def _key(report: Report) -> dict:
    return {
        "jurisdiction_id": report.jurisdiction_id,
        "category_id": report.category_id,
        "department": report.department,
        "area_id": report.area_id,
    }


def change_statements(report: Report, change: Change, connection) -> list[rows.Statement]:
    """The upserts that add one change to its day's figures and move the open count (none when nothing moves)."""
    statements = []
    counters = {k: v for k, v in change.counters.items() if v}
    if counters:
        statements.append(rows.add(DailyStat, {**_key(report), "day": change.day}, counters, connection))
    moves = {k: v for k, v in {"open": change.open, "total": change.counters.get("reported", 0)}.items() if v}
    if moves:
        statements.append(rows.add(OpenCount, _key(report), moves, connection))
    return statements


def count_change(report: Report, *, previous: str | None, new: str, at: datetime, acknowledged_now: bool) -> None:
    """Move the figures for one change; call inside the transaction that makes the change."""
    change = change_of(report, previous=previous, new=new, at=at, acknowledged_now=acknowledged_now)
    forget_figures(report.jurisdiction_id)
    connection = connections[router.db_for_write(DailyStat)]
    with connection.cursor() as cursor:
        for sql, params in change_statements(report, change, connection):
            cursor.execute(sql, params)


def _replay(report: Report, updates: list[Update]):
    """The changes a report's timeline records, oldest first (what the operations counted as they happened)."""
    status: str | None = None
    acknowledged = False
    for update in updates:
        if update.kind == Update.Kind.CREATED:
            yield change_of(report, previous=None, new=Status.OPEN, at=update.created_at, acknowledged_now=False)
            status = Status.OPEN
        elif update.kind in (Update.Kind.STATUS, Update.Kind.REOPENED) and update.to_status and status is not None:
            now_ack = update.kind == Update.Kind.STATUS and not acknowledged
            acknowledged = acknowledged or now_ack
            at = update.created_at
            yield change_of(report, previous=status, new=update.to_status, at=at, acknowledged_now=now_ack)
            status = update.to_status


def rebuild_daily_stats(jurisdiction: Jurisdiction, *, chunk: int = 2000) -> int:
    """Recompute every figure from the reports' timelines (after an import, or to repair); returns reports read."""
    days: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    opens: dict[tuple, int] = defaultdict(int)
    totals: dict[tuple, int] = defaultdict(int)
    reports = Report.objects.with_scope(jurisdiction=jurisdiction).select_related("category", "jurisdiction")
    updates = Update.objects.with_scope(jurisdiction=jurisdiction).order_by("report_id", "created_at", "id")
    count, last_id = 0, 0
    while True:
        batch = list(reports.filter(pk__gt=last_id).order_by("pk")[:chunk])
        if not batch:
            break
        last_id = batch[-1].pk
        grouped: dict[int, list[Update]] = defaultdict(list)
        for update in updates.filter(report_id__in=[r.pk for r in batch]).only(
            "report_id", "kind", "to_status", "created_at"
        ):
            grouped[update.report_id].append(update)
        for report in batch:
            key = (report.category_id, report.department, report.area_id)
            for change in _replay(report, grouped[report.pk]):
                row = days[(change.day, *key)]
                for name, value in change.counters.items():
                    row[name] += value
                opens[key] += change.open
                totals[key] += change.counters.get("reported", 0)
        count += len(batch)
    _store(jurisdiction, days, opens, totals)
    return count


def _store(jurisdiction: Jurisdiction, days: dict, opens: dict, totals: dict) -> None:
    def where(category, department, area) -> dict:
        return {"jurisdiction": jurisdiction, "category_id": category, "department": department, "area_id": area}

    with transaction.atomic():
        DailyStat.objects.with_scope(jurisdiction=jurisdiction).all().delete()
        OpenCount.objects.with_scope(jurisdiction=jurisdiction).all().delete()
        DailyStat.objects.bulk_create(
            [DailyStat(day=day, **where(*key), **counters) for (day, *key), counters in days.items()],
            batch_size=1000,
        )
        OpenCount.objects.bulk_create(
            [OpenCount(open=opens[key], total=n, **where(*key)) for key, n in totals.items() if n or opens[key]]
        )
        forget_figures(jurisdiction.pk)


# Reading: the dashboard


def _hours(seconds: int | None, count: int | None) -> float | None:
    return round(seconds / count / 3600, 1) if count else None


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _figures(row: dict) -> dict:
    row = {name: row.get(name) or 0 for name in COUNTERS} | {k: v for k, v in row.items() if k not in COUNTERS}
    row["hours_to_acknowledge"] = _hours(row["acknowledge_seconds"], row["acknowledged"])
    row["hours_to_fix"] = _hours(row["fix_seconds"], row["fixed"])
    row["acknowledged_on_time"] = _share(row["acknowledged"] - row["acknowledged_late"], row["acknowledged"])
    row["fixed_on_time"] = _share(row["fixed"] - row["fixed_late"], row["fixed"])
    row["breaches"] = row["acknowledged_late"] + row["fixed_late"]
    return row


SUMS = {name: Sum(name) for name in COUNTERS}


def window_start(jurisdiction: Jurisdiction, period: str, today: date | None = None) -> date:
    """The first day of the oldest period shown: 26 weeks or 12 months back, whole periods."""
    today = today or _day(jurisdiction, timezone.now())
    if period == "week":
        return today - timedelta(days=today.weekday()) - timedelta(weeks=PERIODS["week"] - 1)
    month = today.month - (PERIODS["month"] - 1)
    year = today.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def _summed(rows: list[dict], by: str) -> dict:
    """The counters of `rows` added up per value of `by` (in Python: the rows are a few thousand at most)."""
    sums: dict = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for row in rows:
        target = sums[row[by]]
        for name in COUNTERS:
            target[name] += row[name] or 0
    return sums


def _grouped(rows: list[dict], by: str, names: dict) -> list[dict]:
    sums = _summed(rows, by)
    figures = [_figures(dict(counters, name=names.get(key, key), **{by: key})) for key, counters in sums.items()]
    return sorted(figures, key=lambda r: (r["name"] in (None, ""), str(r["name"])))


def _open_counts(jurisdiction: Jurisdiction, by: str) -> dict:
    rows = OpenCount.objects.with_scope(jurisdiction=jurisdiction).values(by).annotate(n=Sum("open"))
    return {row[by]: max(0, row["n"] or 0) for row in rows}


def summary(jurisdiction: Jurisdiction) -> dict:
    """Three figures for the list page and the process page: open now; fixed and hours to acknowledge in 12 months."""
    key = _cache_keys(jurisdiction.pk)[-1]
    found = cache.get(key)
    if found is None:
        found = _summary(jurisdiction)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _summary(jurisdiction: Jurisdiction) -> dict:
    since = window_start(jurisdiction, "month")
    totals = _figures(DailyStat.objects.with_scope(jurisdiction=jurisdiction).filter(day__gte=since).aggregate(**SUMS))
    open_now = OpenCount.objects.with_scope(jurisdiction=jurisdiction).aggregate(n=Sum("open"))["n"] or 0
    return {"open": max(0, open_now), "fixed": totals["fixed"], "hours_to_acknowledge": totals["hours_to_acknowledge"]}


def dashboard(jurisdiction: Jurisdiction, *, period: str = "month", with_departments: bool = True) -> dict:
    """The figures of the responsiveness dashboard over the last 12 months (or 26 weeks), from the aggregates."""
    period = period if period in PERIODS else "month"
    key = f"reports:figures:{jurisdiction.pk}:{period}:{int(with_departments)}"
    found = cache.get(key)
    if found is None:
        found = _dashboard(jurisdiction, period, with_departments)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _dashboard(jurisdiction: Jurisdiction, period: str, with_departments: bool) -> dict:
    """One scan of the window's daily rows, grouped by period, category, department and area (a few thousand rows
    even at a million reports); every table of the dashboard is summed from those in Python. Four GROUP BYs over
    the same rows took four scans."""
    since = window_start(jurisdiction, period)
    truncate = TruncWeek("day") if period == "week" else TruncMonth("day")
    rows = list(
        DailyStat.objects.with_scope(jurisdiction=jurisdiction)
        .filter(day__gte=since)
        .annotate(period=truncate)
        .values("period", "category", "department", "area")
        .annotate(**SUMS)
        .order_by()
    )
    all_categories = {c.pk: c for c in Category.objects.with_scope(jurisdiction=jurisdiction).all()}
    area_names = dict(Area.objects.with_scope(jurisdiction=jurisdiction).values_list("pk", "name"))
    open_by_category = _open_counts(jurisdiction, "category")
    by_category = _grouped(rows, "category", {pk: c.name for pk, c in all_categories.items()})
    for row in by_category:
        category = all_categories[row["category"]]
        row.update(
            code=category.code,
            acknowledge_target=category.acknowledge_hours,
            fix_target=category.fix_hours,
            open=open_by_category.get(category.pk, 0),
        )
    by_area = _grouped(rows, "area", area_names)
    open_by_area = _open_counts(jurisdiction, "area")
    for row in by_area:
        row["open"] = open_by_area.get(row["area"], 0)
    over_time = [_figures(dict(counters, period=key)) for key, counters in sorted(_summed(rows, "period").items())]
    result = {
        "period": period,
        "since": since,
        "open": sum(open_by_category.values()),
        "totals": _figures(_total(rows)),
        "by_category": by_category,
        "by_area": by_area,
        "over_time": over_time,
    }
    if with_departments:
        open_by_department = _open_counts(jurisdiction, "department")
        result["by_department"] = _grouped(rows, "department", {})
        for row in result["by_department"]:
            row["open"] = open_by_department.get(row["department"], 0)
    return result


def _total(rows: list[dict]) -> dict:
    return {name: sum(row[name] or 0 for row in rows) for name in COUNTERS}


def overdue(jurisdiction: Jurisdiction, *, limit: int = 20) -> list[tuple[Report, str]]:
    """The oldest open reports past a promise (to acknowledge or to fix), for the Mayor's view; bounded reads."""
    now = timezone.now()
    found: list[tuple[Report, str]] = []
    reports = Report.objects.with_scope(jurisdiction=jurisdiction).select_related("category", "area", "jurisdiction")
    for category in Category.objects.with_scope(jurisdiction=jurisdiction).filter(is_active=True):
        late_fix = now - timedelta(hours=category.fix_hours)
        late_ack = now - timedelta(hours=category.acknowledge_hours)
        waiting = reports.filter(category=category, status__in=OPEN_STATUSES).filter(
            Q(created_at__lt=late_fix) | Q(status=Status.OPEN, created_at__lt=late_ack)
        )
        for report in waiting.order_by("created_at")[:limit]:
            found.append((report, "fix" if report.created_at < late_fix else "acknowledge"))
    found.sort(key=lambda pair: pair[0].created_at)
    return found[:limit]


def counted_reports(jurisdiction: Jurisdiction, *, status: str, category: str, area: str) -> int | None:
    """How many reports a list shows, from the open counts, when they can tell (any status, or open); else None."""
    if status not in ("", "open"):
        return None
    rows = OpenCount.objects.with_scope(jurisdiction=jurisdiction)
    if category:
        rows = rows.filter(category__code=category)
    if area:
        rows = rows.filter(area__name=area)
    found = rows.aggregate(n=Sum("open" if status == "open" else "total"))["n"]
    return max(0, found or 0)
