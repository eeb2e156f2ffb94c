"""Plaza's winner rules equal pabutools' (Cost_Sat, lexicographic ties) on generated instances."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plaza.budgets import rules
from plaza.budgets.tests.pabutools_reference import pabutools_instance, pabutools_outcome


@st.composite
def elections(draw, max_projects=8, max_voters=30):
    ids = draw(st.lists(st.integers(1, 40).map(str), min_size=1, max_size=max_projects, unique=True))
    # Few distinct costs and small budgets make ties (between projects and between voters' budgets) common.
    costs = draw(st.lists(st.sampled_from([0, 1, 2, 3, 4, 6, 10, 12, 30]), min_size=len(ids), max_size=len(ids)))
    budget = draw(st.integers(0, 60))
    voters = draw(st.integers(0, max_voters))
    rows = draw(
        st.lists(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)), min_size=voters, max_size=voters)
    )
    matrix = np.array(rows, dtype=bool).reshape(voters, len(ids))
    return rules.Election.from_matrix(project_ids=ids, costs=costs, budget=budget, approvals=matrix)


@pytest.mark.parametrize("rule", rules.RULES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=elections())
def test_winners_equal_pabutools(rule, election):
    instance, profile = pabutools_instance(election)
    assert sorted(rules.outcome(election, rule).selected) == pabutools_outcome(instance, profile, rule)


@settings(max_examples=40, deadline=None)
@given(election=elections(max_projects=5, max_voters=12), scale=st.sampled_from([Fraction(1, 3), Fraction(7, 2)]))
def test_mes_with_fractional_costs_equals_pabutools(election, scale):
    scaled = rules.Election(
        project_ids=election.project_ids,
        costs=tuple(c * scale for c in election.costs),
        budget=election.budget * scale,
        approvals=election.approvals,
        weights=election.weights,
    )
    instance, profile = pabutools_instance(scaled)
    assert sorted(rules.mes(scaled).selected) == pabutools_outcome(instance, profile, "mes")


def test_exact_tie_is_broken_by_project_id_as_a_string():
    # Three voters each approve "10" and "9" equally: same cost, same votes, same payment; "10" < "9" as text.
    election = rules.Election.from_ballots(project_ids=["9", "10"], costs=[3, 3], budget=3, ballots=[["9", "10"]] * 3)
    assert rules.mes(election).selected == ["10"]
    assert rules.greedy(election).selected == ["10"]


def test_mes_payment_equal_to_a_voter_budget_counts_exactly():
    # One third is not a float: 1/3 + 1/3 + 1/3 must pay exactly 1, leaving the second project unaffordable.
    election = rules.Election.from_ballots(project_ids=["a", "b"], costs=[1, 1], budget=1, ballots=[["a", "b"]] * 3)
    outcome = rules.mes(election)
    assert outcome.selected == ["a"]
    assert outcome.reasons["b"] == rules.SHARE_EXHAUSTED


@pytest.mark.parametrize("rule", ["mes", "mes-complete"])
def test_supporters_whose_money_is_the_cost_each_pay_all_they_have(rule):
    # Found by hypothesis: in the fourth round the supporters of "8" have exactly its cost between them (4), which
    # floats see a hair short, so each must pay all they have (ρ = 14/15 / 4); a payment found too low made "8"
    # look cheaper than "3" (ρ = 1/5), and MES funded "8" where pabutools funds "3".
    ballots = {
        (): 1, ("7",): 1, ("5",): 2, ("5", "7"): 1, ("5", "7", "8"): 4, ("4", "7"): 1, ("4", "7", "8"): 1,
        ("4", "5"): 3, ("4", "5", "8"): 1, ("4", "5", "7"): 3, ("3",): 1, ("3", "4", "8"): 2, ("1", "7"): 1,
        ("1", "4"): 1, ("1", "4", "8"): 1, ("1", "4", "5"): 1, ("1", "3"): 1, ("1", "3", "4"): 1,
    }  # fmt: skip
    election = rules.Election.from_ballots(
        project_ids=[str(n) for n in range(1, 9)],
        costs=[10, 0, 4, 6, 12, 0, 4, 4],
        budget=36,
        ballots=[list(ballot) for ballot, count in ballots.items() for _ in range(count)],
    )
    instance, profile = pabutools_instance(election)
    selected = sorted(rules.outcome(election, rule).selected)
    assert selected == pabutools_outcome(instance, profile, rule)
    assert selected == (["3", "4", "5", "7"] if rule == "mes" else ["2", "3", "4", "5", "6", "7", "8"])


def test_greedy_explains_why_a_more_voted_project_was_not_funded():
    election = rules.Election.from_ballots(
        project_ids=["big", "small", "none"],
        costs=[80, 30, 10],
        budget=100,
        ballots=[["big", "small"], ["big"], ["small"]] + [["big"]],
    )
    outcome = rules.greedy(election)
    assert outcome.selected == ["big", "none"]
    assert outcome.reasons == {"big": rules.SELECTED, "small": rules.DID_NOT_FIT, "none": rules.SELECTED}


def test_mes_funds_the_minority_greedy_ignores():
    # 60 voters want A1..A3, 40 want B1..B3; all cost 1, budget 3. Greedy gives the majority everything.
    ballots = [["A1", "A2", "A3"]] * 60 + [["B1", "B2", "B3"]] * 40
    ids = ["A1", "A2", "A3", "B1", "B2", "B3"]
    election = rules.Election.from_ballots(project_ids=ids, costs=[1] * 6, budget=3, ballots=ballots)
    assert rules.greedy(election).selected == ["A1", "A2", "A3"]
    # Each voter has 3/100: the 60 pay for one A, the 40 for one B; completion spends the rest on the majority.
    assert sorted(rules.mes(election).selected) == ["A1", "B1"]
    assert rules.mes(election).reasons["A2"] == rules.SHARE_EXHAUSTED
    assert sorted(rules.mes_complete(election).selected) == ["A1", "A2", "B1"]


def test_identical_ballots_are_merged_with_weights():
    election = rules.Election.from_ballots(project_ids=["a", "b"], costs=[1, 1], budget=1, ballots=[["a"]] * 5)
    assert len(election.weights) == 1 and election.voters == 5


def test_unknown_rule_is_refused():
    election = rules.Election.from_ballots(project_ids=["a"], costs=[1], budget=1, ballots=[])
    with pytest.raises(ValueError, match="unknown rule"):
        rules.outcome(election, "borda")


def test_mes_on_a_large_random_instance_equals_pabutools():
    rng = np.random.default_rng(7)
    matrix = rng.random((3000, 30)) < rng.uniform(0.05, 0.4, 30)
    costs = (rng.integers(1, 20, 30) * 1000).tolist()
    election = rules.Election.from_matrix(
        project_ids=[f"p{j}" for j in range(30)], costs=costs, budget=sum(costs) // 3, approvals=matrix
    )
    instance, profile = pabutools_instance(election)
    assert sorted(rules.mes(election).selected) == pabutools_outcome(instance, profile.as_multiprofile(), "mes")


def _add_one_every_increment(election: rules.Election) -> list[str]:
    """pabutools' add-one completion literally: one exact MES run per unit added to each voter's share."""
    if not election.voters:
        return sorted(rules.greedy(election).selected)
    run = rules._EqualShares(election)
    per_voter, selected = election.budget / election.voters, []
    while True:
        attempt = run.run(per_voter)
        spent = sum((election.costs[j] for j in attempt), Fraction(0))
        if spent > election.budget:
            break
        selected = attempt
        if all(j in attempt or election.costs[j] + spent > election.budget for j in run.candidates):
            break
        per_voter += 1
    return sorted(rules.greedy(election, already=[election.project_ids[j] for j in selected]).selected)


@st.composite
def rich_elections(draw, max_projects=7, max_voters=16):
    """Shares of hundreds of units, so the completion has many increments to skip; ties stay common."""
    ids = draw(st.lists(st.integers(1, 40).map(str), min_size=2, max_size=max_projects, unique=True))
    scale = draw(st.sampled_from([10, 100, 1000]))
    costs = [c * scale for c in draw(st.lists(st.integers(1, 12), min_size=len(ids), max_size=len(ids)))]
    budget = sum(costs) * draw(st.integers(2, 7)) // 10
    voters = draw(st.integers(2, max_voters))
    rows = draw(
        st.lists(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)), min_size=voters, max_size=voters)
    )
    matrix = np.array(rows, dtype=bool).reshape(voters, len(ids))
    return rules.Election.from_matrix(project_ids=ids, costs=costs, budget=budget, approvals=matrix)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=rich_elections())
def test_completion_skipping_increments_equals_running_every_increment(election):
    assert sorted(rules.mes_complete(election).selected) == _add_one_every_increment(election)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(election=rich_elections(max_projects=5, max_voters=8))
def test_completion_with_many_increments_equals_pabutools(election):
    instance, profile = pabutools_instance(election)
    assert sorted(rules.mes_complete(election).selected) == pabutools_outcome(instance, profile, "mes-complete")


def test_completion_runs_mes_only_where_the_outcome_may_change(monkeypatch):
    rng = np.random.default_rng(3)
    matrix = rng.random((400, 12)) < rng.uniform(0.1, 0.5, 12)
    costs = (rng.integers(5, 60, 12) * 1000).tolist()
    election = rules.Election.from_matrix(
        project_ids=[f"p{j}" for j in range(12)], costs=costs, budget=sum(costs) // 3, approvals=matrix
    )
    expected = _add_one_every_increment(election)
    runs = []
    original = rules._EqualShares.run

    def counted(self, per_voter):
        runs.append(per_voter)
        return original(self, per_voter)

    monkeypatch.setattr(rules._EqualShares, "run", counted)
    assert sorted(rules.mes_complete(election).selected) == expected
    increments = runs[-1] - election.budget / election.voters
    assert increments > 100 and len(runs) < increments / 5
