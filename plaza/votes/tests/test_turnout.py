"""Turnout by channel, district, age band, gender and over time, with charts and a table for each."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.core.roll import VoterRollEntry
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import CensusRecordFactory, PersonFactory, VerificationFactory
from plaza.votes import queries
from plaza.votes.models import Votation
from plaza.votes.operations import cast_at_booth, cast_online
from plaza.votes.tests.conftest import DOCUMENT
from plaza.votes.tests.test_pages import close

pytestmark = pytest.mark.django_db


def resident(paris, *, birth_year, gender="", district="11e"):
    with scopes_disabled():
        record = CensusRecordFactory(jurisdiction=paris, district=district, gender=gender)
        record.birth_year = birth_year
        record.save()
        return VerificationFactory(
            jurisdiction=paris, person=PersonFactory(jurisdiction=paris, census_record=record)
        ).user


@pytest.fixture
def turned_out(paris, votation, booth, officer, voter_person):
    year = timezone.localtime(votation.closes_at, paris.zone).year
    young = [resident(paris, birth_year=year - 20, gender="F") for _ in range(2)]
    old = resident(paris, birth_year=year - 70, gender="M", district="12e")
    resident(paris, birth_year=year - 40, gender="F", district="12e")  # on the census, does not vote
    for user in [*young, old]:
        cast_online(actor=user, votation=votation, answers={"q1": ["yes"]})
    with scopes_disabled():
        voter_person.census_record.gender = "M"
        voter_person.census_record.birth_year = year - 30
        voter_person.census_record.save()
    cast_at_booth(officer=officer, votation=votation, booth=booth, answers={"q1": ["no"]}, **DOCUMENT)
    close(votation)
    return votation


def test_turnout_by_age_band_and_gender(paris, turned_out):
    with jurisdiction_scope(paris):
        turnout = queries.turnout_of(turned_out)
    assert turnout["voters"] == 4 and turnout["electorate"] == 5
    assert [(r["group"], r["voters"], r["electorate"]) for r in turnout["by_age"]] == [
        ("18–24", 2, 2),
        ("25–34", 1, 1),
        ("35–44", 0, 1),
        ("65+", 1, 1),
    ]
    assert [(r["group"], r["voters"], r["electorate"], r["percent"]) for r in turnout["by_gender"]] == [
        ("F", 2, 3, "66.67"),
        ("M", 2, 2, "100.00"),
    ]
    assert [(r["channel"], r["voters"]) for r in turnout["by_channel"]] == [("online", 3), ("booth", 1)]


def test_turnout_over_time_per_hour_or_per_day(paris, turned_out):
    with scopes_disabled():
        entries = list(VoterRollEntry.objects.order_by("pk"))
        base = turned_out.opens_at.replace(minute=10)
        for n, entry in enumerate(entries):
            entry.voted_at = base + timedelta(hours=1 if n else 0, minutes=n)
            entry.save()
    with jurisdiction_scope(paris):
        per_day = queries.turnout_over_time(turned_out)
    assert per_day["unit"] == "day" and sum(r["voters"] for r in per_day["rows"]) == 4
    with scopes_disabled():
        Votation.objects.filter(pk=turned_out.pk).update(closes_at=turned_out.opens_at + timedelta(days=1))
        turned_out.refresh_from_db()
    with jurisdiction_scope(paris):
        per_hour = queries.turnout_over_time(turned_out)
    assert per_hour["unit"] == "hour" and [r["voters"] for r in per_hour["rows"]] == [1, 3]
    assert per_hour["rows"][0]["label"].endswith(":00")


def test_no_gender_rows_where_the_census_has_none(paris, votation, voter):
    cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with jurisdiction_scope(paris):
        assert queries.turnout_of(votation)["by_gender"] == []


def test_the_results_page_draws_each_chart_with_its_table(client, turned_out):
    page = client.get("/paris/votes/climate/results/").content.decode()
    for title in ("Voters by channel", "Turnout by district", "Turnout by age", "Turnout by gender", "Voters per day"):
        assert "<figcaption id=" in page and f">{title}</figcaption>" in page
        assert f"<caption>{title}: the figures</caption>" in page
    assert page.count('<svg role="img"') == 5
    assert '<th scope="row">F</th><td>2</td><td>3</td><td>66.67 %</td>' in page
    assert '<th scope="row">11e</th><td>3</td><td>3</td><td>100.00 %</td>' in page


def test_the_api_gives_the_same_turnout(client, turned_out):
    body = client.get("/api/v1/votes/paris/votations/climate/results").json()
    assert body["turnout"]["by_gender"][0] == {"group": "F", "voters": 2, "electorate": 3, "percent": "66.67"}
    assert body["turnout"]["over_time"]["unit"] == "day"
