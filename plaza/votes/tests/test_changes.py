"""Changing a vote until closing, where the votation allows it: only the last ballot counts, still once a person."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.core.roll import VoterRollEntry
from plaza.core.tenancy import jurisdiction_scope
from plaza.votes import queries
from plaza.votes.models import Ballot, Votation
from plaza.votes.operations import cast_at_booth, cast_online, change_online
from plaza.votes.receipts import receipt_hash
from plaza.votes.tests.conftest import DOCUMENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def changeable(votation):
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(allows_changes=True)
        votation.refresh_from_db()
    return votation


def yes_count(votation):
    with jurisdiction_scope(votation.jurisdiction):
        results = queries.results_of(votation).as_dict()
    return {o["key"]: o["count"] for o in results["questions"][0]["options"]}


def test_the_last_ballot_counts_and_the_person_is_on_the_roll_once(paris, changeable, voter, second_account):
    first = cast_online(actor=voter, votation=changeable, answers={"q1": ["yes"]})
    assert first.change_code and first.change_code != first.code
    second = change_online(actor=voter, votation=changeable, change_code=first.change_code, answers={"q1": ["no"]})
    # Another account of the same person, with the code, changes it again.
    third = change_online(
        actor=second_account, votation=changeable, change_code=first.change_code.lower(), answers={"q1": ["abstain"]}
    )
    assert len({first.code, second.code, third.code}) == 3 and third.change_code == first.change_code
    with jurisdiction_scope(paris):
        ballot = Ballot.objects.get()
        assert ballot.answers == {"q1": ["abstain"]} and ballot.receipt_hash == receipt_hash(third.code)
        assert ballot.change_hash == receipt_hash(first.change_code) and ballot.voter is None
        assert VoterRollEntry.objects.count() == 1
        assert queries.find_ballot(changeable, first.code) is None
    assert yes_count(changeable) == {"yes": 0, "no": 0, "abstain": 1}


def test_a_votation_that_does_not_allow_changes_gives_no_change_code_and_refuses(paris, votation, voter):
    receipt = cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    assert receipt.change_code == ""
    with pytest.raises(ValidationError, match="does not let voters change"):
        change_online(actor=voter, votation=votation, change_code=receipt.code, answers={"q1": ["no"]})
    assert yes_count(votation)["yes"] == 1


def test_a_wrong_code_or_bad_answers_change_nothing(paris, changeable, voter):
    receipt = cast_online(actor=voter, votation=changeable, answers={"q1": ["yes"]})
    with pytest.raises(ValidationError, match="No ballot of this votation has this change code"):
        change_online(actor=voter, votation=changeable, change_code=receipt.code, answers={"q1": ["no"]})
    with pytest.raises(ValidationError):
        change_online(actor=voter, votation=changeable, change_code=receipt.change_code, answers={"q1": ["maybe"]})
    assert yes_count(changeable) == {"yes": 1, "no": 0, "abstain": 0}


def test_someone_who_has_not_voted_cannot_use_a_stolen_code(paris, changeable, voter):
    from plaza.core.tests.factories import CensusRecordFactory, PersonFactory, UserFactory, VerificationFactory

    receipt = cast_online(actor=voter, votation=changeable, answers={"q1": ["yes"]})
    with scopes_disabled():
        record = CensusRecordFactory(jurisdiction=paris, district="11e")
        other = VerificationFactory(
            jurisdiction=paris, person=PersonFactory(jurisdiction=paris, census_record=record), user=UserFactory()
        ).user
    with pytest.raises(ValidationError, match="not voted in this votation yet"):
        change_online(actor=other, votation=changeable, change_code=receipt.change_code, answers={"q1": ["no"]})
    assert yes_count(changeable)["yes"] == 1


def test_no_change_after_closing(paris, changeable, voter):
    receipt = cast_online(actor=voter, votation=changeable, answers={"q1": ["yes"]})
    with scopes_disabled():
        Votation.objects.filter(pk=changeable.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
        changeable.refresh_from_db()
    with pytest.raises(ValidationError, match="has closed"):
        change_online(actor=voter, votation=changeable, change_code=receipt.change_code, answers={"q1": ["no"]})


def test_a_booth_ballot_is_final(paris, changeable, booth, officer, voter):
    receipt = cast_at_booth(officer=officer, votation=changeable, booth=booth, answers={"q1": ["no"]}, **DOCUMENT)
    assert receipt.change_code == ""
    with pytest.raises(ValidationError, match="No ballot of this votation has this change code"):
        change_online(actor=voter, votation=changeable, change_code="AAAA-BBBB-CCCC-DDDD", answers={"q1": ["yes"]})


def test_the_pages_offer_the_change_and_show_the_new_receipt(client, changeable, voter):
    client.force_login(voter)
    first = client.post("/paris/votes/climate/vote/", {"q1": "yes"}).content.decode()
    assert "Your change code" in first
    page = client.get("/paris/votes/climate/").content.decode()
    assert "Change your vote" in page and 'name="change_code"' in page
    wrong = client.post("/paris/votes/climate/change/", {"change_code": "AAAA-BBBB-CCCC-DDDD", "q1": "no"})
    assert wrong.status_code == 400 and "No ballot of this votation has this change code" in wrong.content.decode()
    code = first.split("Your change code")[1].split("<code>")[1].split("</code>")[0]
    done = client.post("/paris/votes/climate/change/", {"change_code": code, "q1": "no"})
    assert done.status_code == 200 and "replaces the earlier one" in done.content.decode()
    assert done["Cache-Control"] == "no-store"
    assert yes_count(changeable) == {"yes": 0, "no": 1, "abstain": 0}
