"""The votes pages as a resident, an officer and an admin meet them (Django's test client)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.core.roll import VoterRollEntry
from plaza.core.tenancy import jurisdiction_scope
from plaza.votes.models import Ballot, Votation
from plaza.votes.operations import cast_online
from plaza.votes.tests.conftest import DOCUMENT
from plaza.votes.tests.factories import VotationFactory

pytestmark = pytest.mark.django_db


def close(votation):
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(
            opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(hours=1)
        )
        votation.refresh_from_db()


def test_a_verified_resident_votes_without_javascript_and_sees_the_receipt_once(client, votation, voter):
    client.force_login(voter)
    page = client.get("/paris/votes/climate/")
    assert page.status_code == 200
    assert b'type="radio" name="q1" value="yes"' in page.content
    answer = client.post("/paris/votes/climate/vote/", {"q1": "yes"})
    assert answer.status_code == 200
    assert "Your receipt code" in answer.content.decode()
    assert answer["Cache-Control"] == "no-store"
    again = client.get("/paris/votes/climate/")
    assert "You have voted in this votation" in again.content.decode()
    assert b'name="q1"' not in again.content


def test_a_second_account_is_told_the_person_already_voted(client, votation, voter, second_account):
    cast_online(actor=voter, votation=votation, answers={"q1": ["no"]})
    client.force_login(second_account)
    answer = client.post("/paris/votes/climate/vote/", {"q1": "yes"})
    assert answer.status_code == 400
    assert "already voted in this election, online" in answer.content.decode()


def test_an_empty_ballot_is_refused_next_to_the_question(client, votation, voter):
    client.force_login(voter)
    answer = client.post("/paris/votes/climate/vote/", {})
    assert answer.status_code == 400
    assert 'id="id_q1_error"' in answer.content.decode()
    assert "There is a problem" in answer.content.decode()
    with scopes_disabled():
        assert not Ballot.objects.exists()


def test_an_anonymous_visitor_is_asked_to_sign_in(client, votation):
    page = client.get("/paris/votes/climate/")
    assert "Sign in to vote" in page.content.decode()
    assert b'name="q1"' not in page.content


def test_the_receipt_finds_the_ballot(client, votation, voter):
    receipt = cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    found = client.get("/paris/votes/climate/receipt/", {"code": receipt.code.lower()})
    assert "Your ballot is in the count" in found.content.decode()
    missing = client.get("/paris/votes/climate/receipt/", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert missing.status_code == 400
    assert "No ballot of this votation has this receipt code" in missing.content.decode()


def test_results_wait_for_the_closing_then_show_counts_and_turnout(client, votation, voter):
    cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    early = client.get("/paris/votes/climate/results/")
    assert "published when the votation closes" in early.content.decode()
    assert client.get("/paris/votes/climate/ballots.json").status_code == 404
    close(votation)
    page = client.get("/paris/votes/climate/results/").content.decode()
    assert '<th scope="row">Yes</th><td>1</td><td>100.00 %</td>' in page
    assert '<th scope="row">11e</th><td>1</td><td>1</td><td>100.00 %</td>' in page


def test_the_ballots_files_hold_no_person(client, votation, voter):
    cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    close(votation)
    document = json.loads(client.get("/paris/votes/climate/ballots.json").content)
    assert document["format"] == "plaza-ballots/1"
    [ballot] = document["ballots"]
    assert set(ballot) == {"receipt", "cast_on", "channel", "booth", "answers"}
    csv_text = client.get("/paris/votes/climate/ballots.csv").content.decode()
    assert csv_text.splitlines()[0] == "receipt,cast_on,channel,booth,q1"
    assert csv_text.splitlines()[1].endswith(",online,,yes")


def test_votations_json_lists_results_and_ballots_addresses(client, paris, votation, voter):
    cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with scopes_disabled():
        VotationFactory(jurisdiction=paris, slug="later")
    close(votation)
    document = json.loads(client.get("/paris/votes/export/votations.json").content)
    rows = {row["slug"]: row for row in document["rows"]}
    assert rows["climate"]["ballots_json"] == "http://testserver/paris/votes/climate/ballots.json"
    assert rows["climate"]["results"]["questions"][0]["options"][0] == {
        "key": "yes",
        "label": "Yes",
        "count": 1,
        "percent": "100.00",
    }
    assert rows["climate"]["turnout"]["voters"] == 1
    assert rows["later"]["results"] is None and rows["later"]["ballots_json"] is None
    csv_text = b"".join(client.get("/paris/votes/export/votations.csv").streaming_content).decode()
    assert csv_text.startswith("slug,title,status")


def test_the_list_page_pins_its_queries(client, paris, django_assert_max_num_queries):
    with scopes_disabled():
        for n in range(5):
            VotationFactory(jurisdiction=paris, slug=f"v{n}")
    with django_assert_max_num_queries(8):
        page = client.get("/paris/votes/")
    assert page.content.decode().count('<li class="card">') == 5


def test_an_officer_records_a_booth_ballot(client, votation, booth, officer, voter_person):
    client.force_login(officer)
    assert client.get("/paris/votes/climate/booth/").status_code == 200
    data = {
        "document_id": DOCUMENT["document_id"],
        "date_of_birth": "1980-05-17",
        "postal_code": DOCUMENT["postal_code"],
        "booth": booth.pk,
        "q1": "no",
    }
    done = client.post("/paris/votes/climate/booth/", data)
    assert done.status_code == 200 and "Ballot recorded" in done.content.decode()
    twice = client.post("/paris/votes/climate/booth/", data)
    assert twice.status_code == 400
    assert "already voted in this election, at a polling booth" in twice.content.decode()
    with jurisdiction_scope(votation.jurisdiction):
        assert VoterRollEntry.objects.count() == 1


def test_a_resident_cannot_open_the_booth_page(client, votation, voter):
    client.force_login(voter)
    assert client.get("/paris/votes/climate/booth/").status_code == 403


def test_admins_see_discrepancies_in_booth_totals(client, votation, booth, paris_admin):
    client.force_login(paris_admin)
    today = timezone.localdate(timezone=votation.jurisdiction.zone).isoformat()
    answer = client.post("/paris/votes/climate/booth/totals/", {"booth": booth.pk, "day": today, "count": 4})
    assert answer.status_code == 302
    page = client.get("/paris/votes/climate/booth/totals/").content.decode()
    assert "Discrepancy: 4" in page


def test_an_admin_sets_up_a_votation_through_the_form(client, paris, paris_admin):
    client.force_login(paris_admin)
    assert client.get("/paris/votes/new/").status_code == 200
    data = {
        "title": "Night buses",
        "opens_at": "2030-01-10T09:00",
        "closes_at": "2030-01-20T20:00",
        "online": "on",
        "is_secret": "on",
        "questions-TOTAL_FORMS": "2",
        "questions-INITIAL_FORMS": "0",
        "questions-0-text": "Run night buses?",
        "questions-0-kind": "yes_no",
        "questions-0-min_choices": "1",
        "questions-0-max_choices": "1",
        "questions-1-text": "",
        "questions-1-kind": "yes_no",
        "questions-1-min_choices": "1",
        "questions-1-max_choices": "1",
    }
    answer = client.post("/paris/votes/new/", data)
    assert answer.status_code == 302 and answer["Location"] == "/paris/votes/night-buses/"
    with jurisdiction_scope(paris):
        votation = Votation.objects.get(slug="night-buses")
        assert votation.opens_at.astimezone(paris.zone).hour == 9
        assert votation.questions.count() == 1
    bad = client.post("/paris/votes/new/", data | {"title": "Other", "closes_at": "2030-01-01T09:00"})
    assert bad.status_code == 400
    assert "must close after it opens" in bad.content.decode()
    edit = client.post("/paris/votes/night-buses/edit/", data | {"title": "Night buses 2030"})
    assert edit.status_code == 302, edit.content.decode()


def test_only_admins_set_up_votations(client, voter):
    client.force_login(voter)
    assert client.get("/paris/votes/new/").status_code == 403


@pytest.mark.django_db(transaction=True)  # outside a test transaction, as a real request: no savepoints
def test_a_page_ballot_costs_a_fixed_number_of_statements(client, votation, voter, django_assert_num_queries):
    """Jurisdiction, session, account, the votation with its questions and options (one join), the verification,
    the roll row and the ballot (one statement on PostgreSQL, two INSERTs between BEGIN and COMMIT on SQLite),
    then the layout's unread notifications and staff link."""
    from django.db import connection

    client.force_login(voter)
    with django_assert_num_queries(8 if connection.vendor == "postgresql" else 11) as captured:
        answer = client.post("/paris/votes/climate/vote/", {"q1": "yes"})
    assert answer.status_code == 200 and "Your receipt code" in answer.content.decode()
    assert not any("SAVEPOINT" in (q["sql"] or "") for q in captured.captured_queries)
