"""Pabulib files: every real instance replays to pabutools' winners; bad files are refused with line numbers."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pabulib.checker import Checker
from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

from plaza.budgets import pabulib, rules

REAL = sorted((Path("/work/shared/realdata/pabulib")).glob("*.pb"))
# Budapest gives each voter 235,769 HUF: add-one completion would need tens of thousands of MES runs in
# pabutools (hours); its MES and greedy are still compared below.
SLOW_COMPLETION = {"Hungary_Budapest_2022_VIII_Jozsefvaros"}


def reference(path: Path, rule: str) -> list[str]:
    instance, profile = parse_pabulib(str(path))
    profile = profile.as_multiprofile()
    if rule == "greedy":
        result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes":
        result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    else:
        result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
        result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, initial_budget_allocation=result)
    return sorted(p.name for p in result)


def test_the_real_instances_cover_every_vote_type():
    types = {pabulib.read(str(path)).vote_type for path in REAL}
    assert {"approval", "choose-1", "cumulative", "ordinal"} <= types


@pytest.mark.parametrize("rule", rules.RULES)
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_real_instance_winners_equal_pabutools(path, rule):
    if rule == "mes-complete" and path.stem in SLOW_COMPLETION:
        pytest.skip("pabutools' add-one completion takes hours here")
    election = pabulib.read(str(path)).election()
    assert sorted(rules.outcome(election, rule).selected) == reference(path, rule)


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_written_file_is_parsed_by_pabutools_and_accepted_by_the_checker(path, tmp_path):
    original = pabulib.read(str(path))
    text = pabulib.write(original)
    assert pabulib.parse(text) == original
    instance, profile = parse_pabulib_from_string(text)
    assert sorted(p.name for p in instance) == sorted(p["project_id"] for p in original.projects)
    assert len(profile) == len(original.votes)
    out = tmp_path / path.name
    out.write_text(text, encoding="utf-8")
    before = Checker().process_files([str(path)])[path.stem]["results"]["errors"]
    after = Checker().process_files([str(out)])[path.stem]["results"]["errors"]
    assert after == before  # writing adds no error to what the source already had


GOOD = """META
key;value
description;test
num_projects;2
num_votes;2
budget;100
vote_type;approval
rule;greedy
max_sum_cost;110
PROJECTS
project_id;cost;name
1;60;One
2;50;Two
VOTES
voter_id;vote
a;1
b;1,2
"""


def test_a_good_file_parses():
    pb = pabulib.parse(GOOD)
    assert pb.vote_type == "approval"
    assert [p["project_id"] for p in pb.projects] == ["1", "2"]
    assert [pb.ballot(v) for v in pb.votes] == [["1"], ["1", "2"]]


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("b;1,2", "b;1,7"), 17, "unknown project"),
        (("num_votes;2", "num_votes;3"), 5, "num_votes says 3"),
        (("2;50;Two", "1;50;Two"), 13, "listed twice (first at line 12)"),
        (("2;50;Two", "2;lots;Two"), 13, "not a number"),
        (("b;1,2", "a;2"), 17, "voted twice (first at line 16)"),
        (("b;1,2", "b;1,2,1"), 17, "lists a project twice"),
        (("max_sum_cost;110", "max_sum_cost;110\nmax_length;1"), 18, "more than max_length"),
        (("1;60;One", "1;60"), 12, "2 fields where the header has 3"),
        (("max_sum_cost;110", "max_sum_cost;100"), 17, "cost more than max_sum_cost"),
        (("b;1,2", "b;1,2"), None, None),  # unchanged: no error
        (("budget;100", "budget;a hundred"), 6, "budget a hundred is not a number"),
    ],
)
def test_bad_files_are_refused_with_line_numbers(change, line, words):
    text = GOOD.replace(*change)
    if line is None:
        pabulib.parse(text)
        return
    with pytest.raises(pabulib.PabulibError) as caught:
        pabulib.parse(text)
    assert any(e.line == line and words in e.message for e in caught.value.errors), caught.value.errors


def test_cumulative_points_must_match_the_projects():
    text = GOOD.replace("vote_type;approval", "vote_type;cumulative").replace("voter_id;vote", "voter_id;vote;points")
    text = text.replace("a;1\n", "a;1;3\n").replace("b;1,2\n", "b;1,2;1\n")
    with pytest.raises(pabulib.PabulibError, match="line 17: voter b has 1 points for 2 projects"):
        pabulib.parse(text)


def test_missing_sections_are_refused():
    with pytest.raises(pabulib.PabulibError, match="missing section"):
        pabulib.parse(GOOD.split("VOTES")[0])


def test_pb_outcome_prints_winners_one_a_line(tmp_path, capsys):
    # No `db` fixture: pytest-django fails any test that touches the database.
    path = tmp_path / "small.pb"
    path.write_text(GOOD, encoding="utf-8")
    call_command("pb_outcome", str(path), "--rule", "greedy")
    assert capsys.readouterr().out == "1\n"


@pytest.mark.parametrize("rule", rules.RULES)
def test_pb_outcome_on_a_real_file_matches_pabutools(rule, capsys):
    path = next(p for p in REAL if "Krakow" in p.stem)  # ordinal ballots
    call_command("pb_outcome", str(path), "--rule", rule)
    assert sorted(capsys.readouterr().out.split()) == reference(path, rule)


def test_pb_outcome_reports_a_bad_file_with_its_line(tmp_path):
    path = tmp_path / "bad.pb"
    path.write_text(GOOD.replace("b;1,2", "b;1,9"), encoding="utf-8")
    with pytest.raises(CommandError, match="line 17: voter b votes for unknown project"):
        call_command("pb_outcome", str(path), "--rule", "mes")
