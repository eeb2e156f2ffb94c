"""Reading an election's booths, and reconciling their officers' end-of-day totals with the ballots recorded there."""

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from plaza.core.models import Booth, BoothTotal, Jurisdiction, VoterRollEntry
from plaza.core.models.roll import Channel


def booths_of(*, jurisdiction: Jurisdiction, election_key: str) -> QuerySet:
    """The election's booths, by name."""
    return Booth.objects.with_scope(jurisdiction=jurisdiction).filter(election_key=election_key)


def recorded_at_booths(*, jurisdiction: Jurisdiction, election_key: str) -> dict[tuple[str, str], int]:
    """{(booth name, ISO day): ballots recorded there that day}, from the roll, days in the jurisdiction's zone.

    Every booth ballot puts its person on the roll with the booth's name in the same transaction
    (`roll.cast_once`), so the roll's booth rows are the ballots recorded; one grouped query.
    """
    rows = (
        VoterRollEntry.objects.with_scope(jurisdiction=jurisdiction)
        .filter(election_key=election_key, channel=Channel.BOOTH)
        .annotate(day=TruncDate("voted_at", tzinfo=jurisdiction.zone))
        .values_list("booth", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(booth, day.isoformat()): n for booth, day, n in rows}


def reconciliation(*, jurisdiction: Jurisdiction, election_key: str) -> list[dict]:
    """Each booth's reported day totals next to the ballots recorded there that day, by day then booth.

    A row for every (booth, day) with a recorded ballot or a reported total. `difference` is reported
    minus recorded (a discrepancy unless 0), None where no total was reported. Two queries.
    """
    recorded = recorded_at_booths(jurisdiction=jurisdiction, election_key=election_key)
    reported = {
        (total.booth.name, total.day.isoformat()): total
        for total in BoothTotal.objects.with_scope(jurisdiction=jurisdiction)
        .filter(booth__election_key=election_key)
        .select_related("booth", "reported_by")
    }
    rows = []
    for booth, day in sorted(set(recorded) | set(reported), key=lambda key: (key[1], key[0])):
        report = reported.get((booth, day))
        count = recorded.get((booth, day), 0)
        rows.append(
            {
                "booth": booth,
                "day": day,
                "reported": report.count if report else None,
                "recorded": count,
                "difference": (report.count - count) if report else None,
                "reported_by": report.reported_by.display_name if report and report.reported_by else "",
            }
        )
    return rows
