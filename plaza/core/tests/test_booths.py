"""Core's polling booths: set up per election key, officers' end-of-day totals, reconciled with the roll.

Votes and budgets use these (their own tests cover their pages); here the election is any model with an
`election_key`, a process standing in for a votation or a budget.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from plaza.core.models import AuditEntry, Booth, BoothTotal, Role, VoterRollEntry
from plaza.core.operations.booths import add_booths, remove_booth, report_booth_total
from plaza.core.queries.booths import booths_of, reconciliation
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import (
    BoothFactory,
    PersonFactory,
    ProcessFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
KEY = "tests.election:1"


@pytest.fixture
def election(paris, unscoped):
    """A model instance naming an election, as a votation or a budget does (`election_key`)."""
    process = ProcessFactory(jurisdiction=paris, slug="vote", title="A vote")
    process.election_key = KEY
    return process


@pytest.fixture
def officer(paris, unscoped):
    user = UserFactory(public_name="Officer Odile")
    RoleGrantFactory(jurisdiction=paris, user=user, role=Role.POLL_OFFICER)
    return user


@pytest.fixture
def town_hall(paris, unscoped):
    return BoothFactory(jurisdiction=paris, election_key=KEY, name="Town hall")


def vote_at(jurisdiction, booth: str, when: datetime, *, key: str = KEY, channel: str = "booth") -> None:
    VoterRollEntry.objects.create(
        jurisdiction=jurisdiction,
        election_key=key,
        person=PersonFactory(jurisdiction=jurisdiction),
        channel=channel,
        booth=booth if channel == "booth" else "",
        voted_at=when,
    )


def test_booths_are_added_by_name_once_per_election(paris, madrid, unscoped):
    added = add_booths(jurisdiction=paris, election_key=KEY, names=[" Town hall ", "Library", "", "Town hall"])
    assert [b.name for b in added] == ["Town hall", "Library"]
    again = add_booths(jurisdiction=paris, election_key=KEY, names=["Library", "School"])
    assert again[0].pk == added[1].pk
    add_booths(jurisdiction=paris, election_key="tests.election:2", names=["Library"])
    add_booths(jurisdiction=madrid, election_key=KEY, names=["Library"])
    with jurisdiction_scope(paris):
        assert [b.name for b in booths_of(jurisdiction=paris, election_key=KEY)] == ["Library", "School", "Town hall"]
    with pytest.raises(ValidationError, match="120 characters"):
        add_booths(jurisdiction=paris, election_key=KEY, names=["Market", "x" * 121])
    assert Booth.objects.filter(jurisdiction=paris).count() == 4  # the refused list wrote nothing


def test_the_database_keeps_one_booth_of_a_name_per_election(paris, town_hall):
    with pytest.raises(IntegrityError), transaction.atomic():
        Booth.objects.create(jurisdiction=paris, election_key=KEY, name="Town hall")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booth.objects.create(jurisdiction=paris, election_key=KEY, name="")


def test_an_officer_reports_a_days_total_and_a_second_report_replaces_it(paris, election, officer, town_hall):
    today = timezone.localdate(timezone=paris.zone)
    report_booth_total(officer=officer, election=election, booth=town_hall, day=today, count=12)
    total = report_booth_total(officer=officer, election=election, booth=town_hall, day=today, count=14)
    assert (total.count, total.reported_by, BoothTotal.objects.count()) == (14, officer, 1)
    entries = AuditEntry.objects.filter(action="core.booth_tally").order_by("pk")
    assert [e.data["count"] for e in entries] == [12, 14]
    assert all(e.is_public and e.target_id == str(election.pk) for e in entries)
    assert entries[0].data == {"booth": "Town hall", "day": today.isoformat(), "count": 12}


def test_bad_reports_are_refused_and_nothing_is_written(paris, madrid, election, officer, town_hall, unscoped):
    today = timezone.localdate(timezone=paris.zone)
    resident = UserFactory()
    madrid_officer = UserFactory()
    RoleGrantFactory(jurisdiction=madrid, user=madrid_officer, role=Role.POLL_OFFICER)
    for someone in (resident, madrid_officer):
        with pytest.raises(PermissionDenied):
            report_booth_total(officer=someone, election=election, booth=town_hall, day=today, count=3)
    other = BoothFactory(jurisdiction=paris, election_key="tests.election:2", name="Elsewhere")
    with pytest.raises(ValidationError) as wrong_booth:
        report_booth_total(officer=officer, election=election, booth=other, day=today, count=3)
    assert "another election" in wrong_booth.value.message_dict["booth"][0]
    with pytest.raises(ValidationError) as to_come:
        report_booth_total(officer=officer, election=election, booth=town_hall, day=today + timedelta(days=1), count=3)
    assert "not come yet" in to_come.value.message_dict["day"][0]
    for count in (-1, 1_000_001):
        with pytest.raises(ValidationError) as bad_count:
            report_booth_total(officer=officer, election=election, booth=town_hall, day=today, count=count)
        assert "count" in bad_count.value.message_dict
    assert BoothTotal.objects.count() == 0 and not AuditEntry.objects.filter(action="core.booth_tally").exists()


def test_only_an_unused_booth_is_removed(paris, election, officer, town_hall, unscoped):
    library, school = (
        BoothFactory(jurisdiction=paris, election_key=KEY, name="Library"),
        BoothFactory(jurisdiction=paris, election_key=KEY, name="School"),
    )
    remove_booth(booth=school)
    vote_at(paris, "Library", timezone.now())
    report_booth_total(officer=officer, election=election, booth=town_hall, day=date(2026, 1, 5), count=0)
    for used in (library, town_hall):
        with pytest.raises(ValidationError, match="it stays"):
            remove_booth(booth=used)
    assert sorted(Booth.objects.values_list("name", flat=True)) == ["Library", "Town hall"]


def test_reconciliation_sets_totals_against_the_roll_by_booth_and_local_day(
    paris, madrid, election, officer, town_hall, unscoped, django_assert_num_queries
):
    library = BoothFactory(jurisdiction=paris, election_key=KEY, name="Library")
    # 23:30 UTC on 4 May is 01:30 on 5 May in Paris: that ballot is on the 5th.
    vote_at(paris, "Town hall", datetime(2026, 5, 4, 10, tzinfo=UTC))
    vote_at(paris, "Town hall", datetime(2026, 5, 4, 23, 30, tzinfo=UTC))
    vote_at(paris, "Town hall", datetime(2026, 5, 5, 9, tzinfo=UTC))
    vote_at(paris, "Library", datetime(2026, 5, 5, 9, tzinfo=UTC))
    vote_at(paris, "", datetime(2026, 5, 5, 9, tzinfo=UTC), channel="online")  # not a booth ballot
    vote_at(paris, "Town hall", datetime(2026, 5, 5, 9, tzinfo=UTC), key="tests.election:2")  # another election
    vote_at(madrid, "Town hall", datetime(2026, 5, 5, 9, tzinfo=UTC))  # another jurisdiction, the same key
    report = {"officer": officer, "election": election}
    report_booth_total(**report, booth=town_hall, day=date(2026, 5, 4), count=1)
    report_booth_total(**report, booth=town_hall, day=date(2026, 5, 5), count=2)
    report_booth_total(**report, booth=library, day=date(2026, 5, 6), count=4)
    with jurisdiction_scope(paris), django_assert_num_queries(2):
        rows = reconciliation(jurisdiction=paris, election_key=KEY)
    shown = [(r["day"], r["booth"], r["reported"], r["recorded"], r["difference"]) for r in rows]
    assert shown == [
        ("2026-05-04", "Town hall", 1, 1, 0),
        ("2026-05-05", "Library", None, 1, None),
        ("2026-05-05", "Town hall", 2, 2, 0),
        ("2026-05-06", "Library", 4, 0, 4),
    ]
    assert rows[0]["reported_by"] == "Officer Odile" and rows[1]["reported_by"] == ""
    with jurisdiction_scope(madrid):
        assert [(r["booth"], r["reported"]) for r in reconciliation(jurisdiction=madrid, election_key=KEY)] == [
            ("Town hall", None)
        ]
