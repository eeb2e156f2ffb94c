"""Hypothesis-generated Pabulib files of every vote type: written, parsed back, replayed like pabutools."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pabutools.election import Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

from plaza.budgets import pabulib, rules


@st.composite
def pb_files(draw):
    vote_type = draw(st.sampled_from(["approval", "choose-1", "cumulative", "ordinal"]))
    ids = draw(st.lists(st.integers(1, 99).map(str), min_size=1, max_size=7, unique=True))
    costs = draw(st.lists(st.sampled_from([1, 2, 3, 5, 8, 10, 25]), min_size=len(ids), max_size=len(ids)))
    budget = draw(st.integers(1, 50))
    votes = []
    for n in range(draw(st.integers(0, 25))):
        if vote_type == "choose-1":
            chosen = [draw(st.sampled_from(ids))]
        else:
            chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
        vote = {"voter_id": str(n + 1), "vote": ",".join(chosen)}
        if vote_type == "cumulative":
            vote["points"] = ",".join(str(draw(st.integers(1, 3))) for _ in chosen)
        votes.append(vote)
    meta = {
        "description": "generated",
        "num_projects": str(len(ids)),
        "num_votes": str(len(votes)),
        "budget": str(budget),
        "vote_type": vote_type,
        "rule": "greedy",
    }
    projects = [
        {"project_id": pid, "cost": str(cost), "name": f"Project {pid}"} for pid, cost in zip(ids, costs, strict=True)
    ]
    return pabulib.PbFile(meta=meta, projects=projects, votes=votes)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pb=pb_files())
def test_written_files_parse_back_and_replay_like_pabutools(pb):
    text = pabulib.write(pb)
    assert pabulib.parse(text) == pb
    instance, profile = parse_pabulib_from_string(text)
    election = pb.election()
    greedy = sorted(p.name for p in greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat))
    assert sorted(rules.greedy(election).selected) == greedy
    mes = sorted(p.name for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat))
    assert sorted(rules.mes(election).selected) == mes
