"""The demo network holds Paris's 2018 climate-plan votation (closed, with ballots) and an open one."""

from io import StringIO

import pytest
from django.core.management import call_command

from plaza.core.roll import VoterRollEntry
from plaza.core.tenancy import across_jurisdictions
from plaza.votes.models import Ballot, BoothTally, Votation

pytestmark = pytest.mark.django_db


def counts():
    with across_jurisdictions():
        return [m.objects.count() for m in (Votation, Ballot, VoterRollEntry, BoothTally)]


def test_paris_demo_votations_show_results_and_stay_idempotent(client):
    call_command("load_demo", stdout=StringIO())
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    results = client.get("/paris/votes/climate-action-plan-2018/results/").content.decode()
    assert '<th scope="row">Yes</th><td>24</td><td>96.00 %</td>' in results
    assert client.get("/paris/votes/climate-action-plan-2018/ballots.json").status_code == 200
    client.login(email="resident.paris@demo.plaza", password="plaza-demo-2026")
    open_page = client.get("/paris/votes/climate-priorities/").content.decode()
    assert 'name="q1"' in open_page
    assert client.post("/paris/votes/climate-priorities/vote/", {"q1": "o2"}).status_code == 200
    assert client.get("/madrid/votes/decide-madrid-approval/").status_code == 200
