"""The reference outcomes: pabutools 1.2.3 computing each Plaza rule, for tests and the benchmark."""

from __future__ import annotations

import numpy as np
from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

from plaza.budgets.rules import Election


def pabutools_instance(election: Election) -> tuple[Instance, ApprovalProfile]:
    instance = Instance(budget_limit=election.budget)
    projects = [Project(pid, cost) for pid, cost in zip(election.project_ids, election.costs, strict=True)]
    for project in projects:
        instance.add(project)
    ballots = []
    for row, weight in zip(election.approvals, election.weights, strict=True):
        ballot = [projects[j] for j in np.flatnonzero(row)]
        ballots.extend(ApprovalBallot(ballot) for _ in range(int(weight)))
    return instance, ApprovalProfile(ballots)


def pabutools_outcome(instance, profile, rule: str) -> list[str]:
    """Selected project ids, sorted (pabutools returns a set-like allocation)."""
    if rule == "greedy":
        result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes":
        result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes-complete":
        result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
        result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, initial_budget_allocation=result)
    else:
        raise ValueError(rule)
    return sorted(p.name for p in result)
