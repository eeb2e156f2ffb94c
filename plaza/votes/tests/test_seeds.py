"""The demo network holds Paris's 2018 climate-plan votation (closed, with ballots) and an open one."""

from io import StringIO

import pytest
from django.core.management import call_command

from plaza.core.models import BoothTotal
from plaza.core.roll import VoterRollEntry
from plaza.core.tenancy import across_jurisdictions
from plaza.votes.models import Ballot, Votation

pytestmark = pytest.mark.django_db


def counts():
    with across_jurisdictions():
        return [m.objects.count() for m in (Votation, Ballot, VoterRollEntry, BoothTotal)]


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
    ranked = client.get("/paris/votes/new-park-name/").content.decode()
    assert 'name="q1_0"' in ranked and "can be changed until closing" in ranked
    done = client.post("/paris/votes/new-park-name/vote/", {"q1_0": "2", "q1_1": "", "q1_2": "1"})
    assert "Your change code" in done.content.decode()


def test_plaza_tally_recomputes_the_demo_climate_plan_results(client, tmp_path):
    import subprocess
    import sys

    from plaza.core.models import Jurisdiction
    from plaza.core.tenancy import jurisdiction_scope
    from plaza.votes import queries, tally

    call_command("load_demo", stdout=StringIO())
    path = tmp_path / "ballots.json"
    path.write_bytes(client.get("/paris/votes/climate-action-plan-2018/ballots.json").content)
    printed = subprocess.run(
        [sys.executable, "-m", "plaza.votes.tally", str(path)], capture_output=True, text=True, check=True
    ).stdout
    paris = Jurisdiction.objects.get(slug="paris")
    with jurisdiction_scope(paris):
        expected = tally.format_results(queries.results_of(queries.votation_page(paris, "climate-action-plan-2018")))
    assert printed == expected and "Yes" in printed and "96.00 %" in printed
