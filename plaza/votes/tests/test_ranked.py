"""Ranked questions: the ballot takes a rank per option, instant-runoff decides, `plaza-tally` agrees."""

import json
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from plaza.core.tenancy import jurisdiction_scope
from plaza.votes import queries, tally
from plaza.votes.models import Ballot
from plaza.votes.operations import QuestionSpec, cast_online, create_votation
from plaza.votes.tests.test_pages import close

OPTIONS = ["o1", "o2", "o3", "o4"]


def test_a_majority_of_first_preferences_wins_at_once():
    rounds, winner = tally.instant_runoff(OPTIONS, Counter({("o2",): 3, ("o1", "o2"): 2}))
    assert winner == "o2" and len(rounds) == 1 and rounds[0]["counts"] == {"o1": 2, "o2": 3, "o3": 0, "o4": 0}


def test_transfers_decide_when_nobody_has_a_majority():
    # First preferences: o1 4, o2 3, o3 2. o4 (0) then o3 go out; o3's voters prefer o2 next.
    ballots = Counter({("o1",): 4, ("o2",): 3, ("o3", "o2"): 2})
    rounds, winner = tally.instant_runoff(OPTIONS, ballots)
    assert [r["eliminated"] for r in rounds] == ["o4", "o3", None]
    assert rounds[-1]["counts"] == {"o1": 4, "o2": 5} and winner == "o2"


def test_exhausted_ballots_leave_the_count():
    ballots = Counter({("o1",): 3, ("o2",): 2, ("o3",): 2})
    rounds, winner = tally.instant_runoff(["o1", "o2", "o3"], ballots)
    # o2 and o3 tie on 2: the one listed later (o3) goes; its ballots rank nothing else.
    assert rounds[0]["eliminated"] == "o3" and rounds[1]["exhausted"] == 2 and winner == "o1"


def test_nobody_wins_without_a_ranking():
    assert tally.instant_runoff(OPTIONS, Counter())[1] is None


@given(st.lists(st.permutations(OPTIONS).flatmap(lambda p: st.integers(1, 4).map(lambda n: tuple(p[:n])))))
def test_the_winner_is_an_option_and_every_round_counts_every_ballot(rankings):
    ballots = Counter(rankings)
    rounds, winner = tally.instant_runoff(OPTIONS, ballots)
    assert (winner in OPTIONS) == bool(rankings)
    for round_ in rounds:
        assert sum(round_["counts"].values()) + round_["exhausted"] == len(rankings)
    if rankings:  # the winner holds a majority of the last round's counted ballots, or is the last one left
        last = rounds[-1]["counts"]
        assert last[winner] * 2 > sum(last.values()) or len(last) == 1


@pytest.fixture
def ranked(paris, paris_admin):
    now = timezone.now()
    return create_votation(
        actor=paris_admin,
        jurisdiction=paris,
        title="Park name",
        slug="park",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        questions=[QuestionSpec("Name the park", kind="ranked", options=("Oak", "Elm", "Ash"))],
    )


@pytest.mark.django_db
def test_a_ranked_question_lets_every_option_be_ranked_and_keeps_the_order(paris, ranked, voter):
    with scopes_disabled():
        question = ranked.questions.get()
    assert (question.min_choices, question.max_choices) == (1, 3)
    cast_online(actor=voter, votation=ranked, answers={"q1": ["o3", "o1"]})
    with jurisdiction_scope(paris):
        assert Ballot.objects.get().answers == {"q1": ["o3", "o1"]}


@pytest.mark.django_db
def test_a_ranked_question_needs_two_options_and_a_sane_range(paris, paris_admin):
    now = timezone.now()
    for spec in (QuestionSpec("Q", kind="ranked", options=("A",)), QuestionSpec("Q", "ranked", ("A", "B"), 1, 3)):
        with pytest.raises(ValidationError):
            create_votation(
                actor=paris_admin,
                jurisdiction=paris,
                title="Bad",
                opens_at=now,
                closes_at=now + timedelta(days=1),
                questions=[spec],
            )


@pytest.mark.django_db
def test_the_ballot_page_takes_ranks_and_refuses_gaps_and_ties(client, paris, ranked, voter):
    client.force_login(voter)
    page = client.get("/paris/votes/park/").content.decode()
    assert '<label for="id_q1_0">Oak</label>' in page and 'name="q1_2"' in page
    tie = client.post("/paris/votes/park/vote/", {"q1_0": "1", "q1_1": "1", "q1_2": ""})
    assert tie.status_code == 400 and "Give each rank to one option only" in tie.content.decode()
    gap = client.post("/paris/votes/park/vote/", {"q1_0": "1", "q1_1": "3", "q1_2": ""})
    assert gap.status_code == 400 and "without gaps" in gap.content.decode()
    empty = client.post("/paris/votes/park/vote/", {"q1_0": "", "q1_1": "", "q1_2": ""})
    assert empty.status_code == 400 and "Answer this question" in empty.content.decode()
    done = client.post("/paris/votes/park/vote/", {"q1_0": "2", "q1_1": "", "q1_2": "1"})
    assert done.status_code == 200 and "Your receipt code" in done.content.decode()
    with jurisdiction_scope(paris):
        assert Ballot.objects.get().answers == {"q1": ["o3", "o1"]}


@pytest.mark.django_db
def test_results_show_the_rounds_and_plaza_tally_prints_the_same(client, paris, ranked, tmp_path):
    from plaza.core.tests.factories import CensusRecordFactory, PersonFactory, VerificationFactory

    rankings = [["o1"], ["o1"], ["o2"], ["o2", "o3"], ["o3", "o2"]]
    with scopes_disabled():
        voters = [
            VerificationFactory(
                jurisdiction=paris,
                person=PersonFactory(jurisdiction=paris, census_record=CensusRecordFactory(jurisdiction=paris)),
            ).user
            for _ in rankings
        ]
    for user, ranking in zip(voters, rankings, strict=True):
        cast_online(actor=user, votation=ranked, answers={"q1": ranking})
    close(ranked)
    page = client.get("/paris/votes/park/results/").content.decode()
    assert "Winner: Elm" in page and "Instant-runoff rounds" in page
    assert '<th scope="row">1</th><td>2</td><td>2</td><td>1</td><td>0</td><td>Ash</td>' in page
    path = tmp_path / "ballots.json"
    path.write_bytes(client.get("/paris/votes/park/ballots.json").content)
    with jurisdiction_scope(paris):
        expected = tally.format_results(queries.results_of(ranked))
    printed = subprocess.run(
        [sys.executable, "-m", "plaza.votes.tally", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert printed == expected and "winner: Elm" in printed
    as_json = json.loads(
        subprocess.run(
            [sys.executable, "-m", "plaza.votes.tally", "--json", str(path)], capture_output=True, text=True, check=True
        ).stdout
    )
    assert as_json["questions"][0]["winner"] == "o2" and as_json["questions"][0]["rule"] == "instant-runoff"
    api = client.get("/api/v1/votes/paris/votations/park/results").json()
    assert api["questions"][0]["winner"] == "o2" and api["questions"][0]["rounds"][0]["eliminated"] == "o3"
