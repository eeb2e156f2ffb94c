"""Setting up votations and casting ballots: once per person, secret, refused cleanly when wrong."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.core.models import AuditEntry
from plaza.core.roll import VoterRollEntry
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import CensusRecordFactory, PersonFactory, UserFactory, VerificationFactory
from plaza.votes import queries
from plaza.votes.models import Ballot, Votation
from plaza.votes.operations import (
    QuestionSpec,
    cast_at_booth,
    cast_online,
    create_votation,
    report_booth_tally,
    update_votation,
)
from plaza.votes.receipts import receipt_hash
from plaza.votes.tests.conftest import DOCUMENT

pytestmark = pytest.mark.django_db


def counts(jurisdiction):
    with jurisdiction_scope(jurisdiction):
        return Ballot.objects.count(), VoterRollEntry.objects.count()


def test_a_verified_person_votes_once_and_gets_a_receipt(paris, votation, voter):
    receipt = cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with jurisdiction_scope(paris):
        ballot = Ballot.objects.get()
        assert ballot.answers == {"q1": ["yes"]}
        assert ballot.receipt_hash == receipt_hash(receipt.code)
        assert ballot.voter is None and ballot.channel == "online"
        assert ballot.cast_at.minute == 0 and ballot.cast_at.second == 0
        entry = VoterRollEntry.objects.get()
        assert entry.election_key == votation.election_key and entry.channel == "online"
    assert len(receipt.code) == 19


def test_a_second_account_of_the_same_person_is_refused(paris, votation, voter, second_account):
    cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with pytest.raises(ValidationError, match="already voted in this election, online"):
        cast_online(actor=second_account, votation=votation, answers={"q1": ["no"]})
    assert counts(paris) == (1, 1)


def test_a_person_who_voted_online_cannot_vote_at_a_booth(paris, votation, voter, booth, officer):
    cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with pytest.raises(ValidationError, match="online"):
        cast_at_booth(officer=officer, votation=votation, booth=booth, answers={"q1": ["no"]}, **DOCUMENT)
    assert counts(paris) == (1, 1)


def test_a_booth_ballot_blocks_online_voting(paris, votation, voter, booth, officer):
    cast_at_booth(officer=officer, votation=votation, booth=booth, answers={"q1": ["no"]}, **DOCUMENT)
    with pytest.raises(ValidationError, match="polling booth"):
        cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with jurisdiction_scope(paris):
        assert Ballot.objects.get().booth == booth
        assert AuditEntry.objects.filter(action="votes.booth_cast").count() == 1


def test_the_booth_refuses_someone_not_on_the_census(paris, votation, booth, officer):
    wrong = dict(DOCUMENT, postal_code="99999")
    with pytest.raises(ValidationError, match="not on the census"):
        cast_at_booth(officer=officer, votation=votation, booth=booth, answers={"q1": ["no"]}, **wrong)
    assert counts(paris) == (0, 0)


def test_only_poll_officers_record_booth_ballots(paris, votation, booth, voter):
    with pytest.raises(PermissionDenied):
        cast_at_booth(officer=voter, votation=votation, booth=booth, answers={"q1": ["no"]}, **DOCUMENT)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q1": ["maybe"]}, "Choose among"),
        ({"q1": ["yes", "no"]}, "at most 1"),
        ({}, "Answer this question"),
        ({"q1": ["yes"], "q9": ["yes"]}, "does not ask"),
    ],
)
def test_bad_ballots_are_refused_and_nothing_is_written(paris, votation, voter, answers, message):
    with pytest.raises(ValidationError, match=message):
        cast_online(actor=voter, votation=votation, answers=answers)
    assert counts(paris) == (0, 0)


def test_no_ballot_after_closing_or_before_opening(paris, votation, voter):
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(
            opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1)
        )
        votation.refresh_from_db()
    with pytest.raises(ValidationError, match="has closed"):
        cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(
            opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9)
        )
        votation.refresh_from_db()
    with pytest.raises(ValidationError, match="not open yet"):
        cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    assert counts(paris) == (0, 0)


def test_the_electorate_can_be_one_district_and_an_age(paris, votation, voter):
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(district="4e")
        votation.refresh_from_db()
    with pytest.raises(PermissionDenied, match="Only residents of 4e"):
        cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(district="11e", min_age=130)
        votation.refresh_from_db()
    with pytest.raises(PermissionDenied, match="aged 130 or over"):
        cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(min_age=16)
        votation.refresh_from_db()
    cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    assert counts(paris) == (1, 1)


def test_an_unverified_account_cannot_vote(paris, votation):
    with pytest.raises(PermissionDenied, match="Verify your identity"):
        cast_online(actor=UserFactory(), votation=votation, answers={"q1": ["yes"]})


def test_a_vote_that_is_not_secret_keeps_the_voter(paris, votation, voter, voter_person):
    with scopes_disabled():
        Votation.objects.filter(pk=votation.pk).update(is_secret=False)
        votation.refresh_from_db()
    cast_online(actor=voter, votation=votation, answers={"q1": ["yes"]})
    with jurisdiction_scope(paris):
        assert Ballot.objects.get().voter == voter_person


def _spec_questions():
    return [
        QuestionSpec("Approve?", kind="yes_no"),
        QuestionSpec(
            "Which two?", kind="multiple", options=("Trees", "Schools", "Bikes"), min_choices=1, max_choices=2
        ),
    ]


def test_an_admin_sets_up_a_votation_with_questions(paris, paris_admin):
    now = timezone.now()
    votation = create_votation(
        actor=paris_admin,
        jurisdiction=paris,
        title="Climate plan",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
        questions=_spec_questions(),
        booths=("Town hall",),
    )
    with jurisdiction_scope(paris):
        votation = queries.votation_page(paris, "climate-plan")
        keys = [[o.key for o in q.options.all()] for q in votation.questions.all()]
        assert keys == [["yes", "no", "abstain"], ["o1", "o2", "o3"]]
        assert [b.name for b in queries.booths_of(votation)] == ["Town hall"]
        assert AuditEntry.objects.filter(action="votes.create", is_public=True).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_at_offset": -2}, "closes_at"),
        ({"online": False, "booth": False}, "online"),
        ({"questions": []}, "questions"),
        ({"questions": [QuestionSpec("Which?", options=("Only one",))]}, "questions"),
    ],
)
def test_a_bad_set_up_is_refused(paris, paris_admin, changes, field):
    now = timezone.now()
    offset = changes.pop("closes_at_offset", 2)
    values = {"online": True, "booth": False, "questions": _spec_questions()} | changes
    with pytest.raises(ValidationError) as refused:
        create_votation(
            actor=paris_admin,
            jurisdiction=paris,
            title="Bad",
            opens_at=now,
            closes_at=now + timedelta(days=offset),
            **values,
        )
    assert field in refused.value.message_dict
    with jurisdiction_scope(paris):
        assert not Votation.objects.exists()


def test_rules_cannot_change_once_open(paris, paris_admin, votation):
    with pytest.raises(ValidationError, match="only its title and description"):
        update_votation(actor=paris_admin, votation=votation, min_age=18)
    update_votation(actor=paris_admin, votation=votation, title="Climate plan (final)")
    votation.refresh_from_db()
    assert votation.title == "Climate plan (final)" and votation.min_age is None


def test_multiple_choice_limits(paris, paris_admin):
    record = CensusRecordFactory(jurisdiction=paris)
    user = VerificationFactory(jurisdiction=paris, person=PersonFactory(jurisdiction=paris, census_record=record)).user
    now = timezone.now()
    votation = create_votation(
        actor=paris_admin, jurisdiction=paris, title="Choose", opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1), questions=_spec_questions(),
    )  # fmt: skip
    with jurisdiction_scope(paris):
        votation = queries.votation_page(paris, votation.slug)
    with pytest.raises(ValidationError, match="at most 2"):
        cast_online(actor=user, votation=votation, answers={"q1": ["yes"], "q2": ["o1", "o2", "o3"]})
    cast_online(actor=user, votation=votation, answers={"q1": ["yes"], "q2": ["o3", "o1"]})
    with jurisdiction_scope(paris):
        assert Ballot.objects.get().answers == {"q1": ["yes"], "q2": ["o1", "o3"]}


def test_booth_totals_are_reconciled_with_recorded_ballots(paris, votation, booth, officer, voter_person):
    cast_at_booth(officer=officer, votation=votation, booth=booth, answers={"q1": ["no"]}, **DOCUMENT)
    today = timezone.localdate(timezone=paris.zone)
    report_booth_tally(officer=officer, booth=booth, day=today, count=3)
    with jurisdiction_scope(paris):
        rows = queries.reconciliation(votation)
    assert rows == [
        {
            "booth": "Town hall",
            "day": today.isoformat(),
            "reported": 3,
            "recorded": 1,
            "difference": 2,
            "reported_by": officer.display_name,
        }
    ]
