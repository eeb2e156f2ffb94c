"""`plaza-tally` recomputes from the published ballots file exactly what the app publishes."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from plaza.core.tenancy import jurisdiction_scope
from plaza.votes import queries, tally
from plaza.votes.operations import QuestionSpec, cast_online, create_votation
from plaza.votes.tests.test_pages import close

HEADER = {
    "title": "T",
    "slug": "t",
    "questions": [
        {
            "key": "q1",
            "text": "Which?",
            "kind": "multiple",
            "min_choices": 1,
            "max_choices": 2,
            "options": [{"key": k, "label": k.upper()} for k in ("a", "b", "c")],
        }
    ],
}


@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "x"]), max_size=3), max_size=50))
def test_every_ballot_is_either_counted_or_invalid(ballots):
    results = tally.count(HEADER, [{"q1": b} for b in ballots])
    question = results.questions[0]
    assert question.answered + question.invalid == len(ballots) == results.ballots
    assert sum(o.count for o in question.options) == sum(
        len(b) for b in ballots if tally.valid_choices(HEADER["questions"][0], b)
    )


def test_shares_are_rounded_half_up():
    results = tally.count(HEADER, [{"q1": ["a"]}, {"q1": ["b"]}, {"q1": ["b"]}])
    assert [results.questions[0].share(o) for o in results.questions[0].options] == ["33.33", "66.67", "0.00"]


@pytest.mark.django_db
def test_plaza_tally_prints_the_apps_results_from_the_downloaded_file(client, paris, paris_admin, tmp_path):
    from plaza.core.tests.factories import CensusRecordFactory, PersonFactory, VerificationFactory

    now = timezone.now()
    votation = create_votation(
        actor=paris_admin,
        jurisdiction=paris,
        title="Priorities",
        opens_at=now - timedelta(hours=2),
        closes_at=now + timedelta(days=1),
        questions=[
            QuestionSpec("Approve?", kind="yes_no"),
            QuestionSpec("Which?", kind="multiple", options=("Trees", "Schools", "Bikes"), max_choices=2),
        ],
    )
    choices = [("yes", ["o1"]), ("yes", ["o1", "o3"]), ("no", ["o2"]), ("abstain", ["o3", "o2"])]
    with scopes_disabled():
        voters = [
            VerificationFactory(
                jurisdiction=paris,
                person=PersonFactory(jurisdiction=paris, census_record=CensusRecordFactory(jurisdiction=paris)),
            ).user
            for _ in choices
        ]
    with jurisdiction_scope(paris):
        votation = queries.votation_page(paris, "priorities")
    for user, (approve, which) in zip(voters, choices, strict=True):
        cast_online(actor=user, votation=votation, answers={"q1": [approve], "q2": which})
    close(votation)
    with jurisdiction_scope(paris):
        expected = tally.format_results(queries.results_of(votation))
    lines = [" ".join(line.split()) for line in expected.splitlines()]
    assert "Yes 2 50.00 %" in lines and "Bikes 2 50.00 %" in lines and "Ballots: 4" in lines
    for fmt in ("json", "csv"):
        path = tmp_path / f"ballots.{fmt}"
        path.write_bytes(client.get(f"/paris/votes/priorities/ballots.{fmt}").content)
        printed = subprocess.run(
            [sys.executable, "-m", "plaza.votes.tally", str(path)], capture_output=True, text=True, check=True
        ).stdout
        if fmt == "json":
            assert printed == expected
        else:  # the CSV has no labels: the same counts under the option keys
            assert "yes 2 50.00 %" in [" ".join(line.split()) for line in printed.splitlines()]
    as_json = subprocess.run(
        [sys.executable, "-m", "plaza.votes.tally", "--json", str(tmp_path / "ballots.json")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    published = json.loads(client.get("/paris/votes/export/votations.json").content)["rows"][0]["results"]
    assert json.loads(as_json) == published


def test_plaza_tally_refuses_an_unreadable_file(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text('{"format": "other"}')
    assert tally.main([str(path)]) == 1
    assert "cannot read" in capsys.readouterr().err
