"""Winner rules for participatory budgets: greedy, Method of Equal Shares, MES with completion.

Pure Python + NumPy, no Django. Each rule is defined as `pabutools` 1.2.3 computes it with the
`Cost_Sat` satisfaction (a voter is satisfied by the cost of every selected project their ballot
lists, whatever the ballot type), with pabutools' default tie-breaking (project id as a string,
smallest first), so that outcomes compare exactly:

- ``greedy``       = ``greedy_utilitarian_welfare(..., sat_class=Cost_Sat)``: projects by number of
                     (weighted) votes, skipping what no longer fits.
- ``mes``          = ``method_of_equal_shares(..., sat_class=Cost_Sat)``, no completion.
- ``mes-complete`` = ``method_of_equal_shares(..., voter_budget_increment=1)`` (add-one completion:
                     each voter's share grows by one currency unit until the outcome would overspend or
                     exhausts the budget) then ``greedy_utilitarian_welfare`` from that outcome, the
                     variant equalshares.net recommends to cities.

MES is vectorised: voters are grouped in classes of exactly equal remaining budget (a `Fraction`
per class, its float for speed), so each payment is found by a water-filling over a few classes.
Floats only choose; every decision that floats could get wrong (near ties between projects,
a voter's budget next to the payment, a budget next to a cost) is settled again in exact
arithmetic, which is why winners equal pabutools' on ties too.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np

RULES = ("greedy", "mes", "mes-complete")

# Why a project was not funded (shown on results pages).
SELECTED = "selected"
DID_NOT_FIT = "did_not_fit"  # greedy: more votes than a winner, but the money left was less than its cost
SHARE_EXHAUSTED = "share_exhausted"  # MES: its supporters' equal shares could no longer pay for it
NO_SUPPORT = "no_support"  # nobody voted for it

_REL = 1e-7  # floats closer than this (relative) are compared again exactly


@dataclass(frozen=True)
class Election:
    """One heading's election: projects (id, cost), the money to spend, and the ballots.

    ``approvals[i, j]`` says ballot ``i`` lists project ``j`` (approved, chosen, given points or ranked);
    ``weights[i]`` is how many voters cast that ballot. Costs and budget are exact (int or Fraction).
    """

    project_ids: tuple[str, ...]
    costs: tuple[Fraction, ...]
    budget: Fraction
    approvals: np.ndarray
    weights: np.ndarray

    @classmethod
    def from_ballots(
        cls,
        *,
        project_ids: Sequence[str],
        costs: Sequence[int | Fraction],
        budget: int | Fraction,
        ballots: Sequence[Sequence[str]],
    ) -> Election:
        index = {pid: j for j, pid in enumerate(project_ids)}
        matrix = np.zeros((len(ballots), len(project_ids)), dtype=bool)
        for i, ballot in enumerate(ballots):
            for pid in ballot:
                matrix[i, index[pid]] = True
        return cls.from_matrix(project_ids=project_ids, costs=costs, budget=budget, approvals=matrix)

    @classmethod
    def from_matrix(
        cls,
        *,
        project_ids: Sequence[str],
        costs: Sequence[int | Fraction],
        budget: int | Fraction,
        approvals: np.ndarray,
        weights: np.ndarray | None = None,
    ) -> Election:
        """Identical ballots are merged into one row with a weight (pabutools' ``as_multiprofile``)."""
        approvals = np.asarray(approvals, dtype=bool)
        if weights is None:
            weights = np.ones(approvals.shape[0], dtype=np.int64)
        approvals, weights = _merge_identical(approvals, np.asarray(weights, dtype=np.int64))
        return cls(
            project_ids=tuple(str(p) for p in project_ids),
            costs=tuple(Fraction(c) for c in costs),
            budget=Fraction(budget),
            approvals=approvals,
            weights=weights,
        )

    @property
    def voters(self) -> int:
        return int(self.weights.sum())

    @cached_property
    def vote_counts(self) -> np.ndarray:
        """Weighted number of ballots listing each project."""
        return np.einsum("i,ij->j", self.weights, self.approvals.view(np.uint8), dtype=np.int64)

    def votes(self) -> np.ndarray:
        return self.vote_counts


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    # Not `a @ b`: a threaded BLAS spins for a 10 µs product on a busy machine (0.6 ms measured).
    return float(np.einsum("i,i->", a, b))


def _merge_identical(approvals: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if approvals.shape[0] == 0:
        return approvals, weights
    packed = np.packbits(approvals, axis=1)
    rows = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1])))[:, 0]
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=weights, minlength=len(first)).astype(np.int64)
    return approvals[first], merged


@dataclass
class Outcome:
    """Winners in the order the rule picked them, and why each other project was not funded."""

    rule: str
    selected: list[str] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)

    def spent(self, election: Election) -> Fraction:
        cost = dict(zip(election.project_ids, election.costs, strict=True))
        return sum((cost[p] for p in self.selected), Fraction(0))


def outcome(election: Election, rule: str) -> Outcome:
    if rule == "greedy":
        return greedy(election)
    if rule == "mes":
        return mes(election)
    if rule == "mes-complete":
        return mes_complete(election)
    raise ValueError(f"unknown rule {rule!r}; choose one of {', '.join(RULES)}")


# --- greedy -------------------------------------------------------------------------------------


def greedy(election: Election, *, already: Sequence[str] = (), rule: str = "greedy") -> Outcome:
    """By votes (Cost_Sat density = votes for a project that costs something), skipping what doesn't fit."""
    votes = election.votes()
    result = Outcome(rule=rule, selected=list(already))
    remaining = election.budget - result.spent(election)
    chosen = set(already)

    def density(j: int) -> int:
        # Cost_Sat gives a free project no satisfaction at all, so pabutools ranks it with the unvoted.
        return int(votes[j]) if election.costs[j] > 0 else 0

    order = sorted(
        (j for j, pid in enumerate(election.project_ids) if pid not in chosen),
        key=lambda j: (-density(j), election.project_ids[j]),
    )
    for j in order:
        pid = election.project_ids[j]
        if election.costs[j] <= remaining:
            result.selected.append(pid)
            remaining -= election.costs[j]
            result.reasons[pid] = SELECTED
        else:
            result.reasons.setdefault(pid, DID_NOT_FIT if votes[j] else NO_SUPPORT)
    for pid in already:
        result.reasons[pid] = SELECTED
    return result


# --- Method of Equal Shares ---------------------------------------------------------------------


def mes(election: Election) -> Outcome:
    if election.voters == 0:
        return Outcome(rule="mes", reasons=_unfunded_reasons(election, [], SHARE_EXHAUSTED))
    run = _EqualShares(election)
    selected = [election.project_ids[j] for j in run.run(election.budget / election.voters)]
    return Outcome(rule="mes", selected=selected, reasons=_unfunded_reasons(election, selected, SHARE_EXHAUSTED))


def mes_complete(election: Election) -> Outcome:
    """Add-one completion (per-voter budget + 1 until overspending or exhaustive), then greedy.

    pabutools reruns MES for every increment. Here an increment is run exactly only where the
    outcome may change: between two per-voter budgets ``lo < hi`` every voter's budget at every
    round only grows with the share and every payment only shrinks (see ``_EqualShares.certify``),
    so if at ``hi`` each round's winner at ``lo`` still beats every other project that can pay, and
    what is left unfunded at the end still can't, every increment in between has the same outcome
    as ``lo`` and is skipped. The sequence of outcomes, and so where the completion stops, is
    pabutools' exactly.
    """
    selected: list[str] = []
    if election.voters:
        run = _EqualShares(election)
        costs = election.costs
        per_voter = election.budget / election.voters
        step = 1
        pause = patience = 0  # where outcomes change at every increment, certifying is wasted: try less often
        while True:
            attempt = run.run(per_voter)
            spent = sum((costs[j] for j in attempt), Fraction(0))
            if spent > election.budget:
                break
            selected = [election.project_ids[j] for j in attempt]
            chosen = set(attempt)
            if all(j in chosen or costs[j] + spent > election.budget for j in run.candidates):
                break
            if pause:
                pause -= 1
                per_voter += 1
                continue
            # Skip ahead over the increments whose outcome is certified equal to this one.
            sequence, rhos, lo = attempt, run.rhos, float(per_voter)
            skipped = 0
            while True:
                certified = run.certify(sequence, rhos, lo, float(per_voter + skipped + step))
                if certified is None:
                    if step == 1:
                        break
                    step //= 2
                    continue
                skipped += step
                rhos, lo = certified, float(per_voter + skipped)
                step *= 2
            patience = 0 if skipped else min(2 * patience + 1, 15)
            pause = patience
            per_voter += skipped + 1
    completed = greedy(election, already=selected, rule="mes-complete")
    mes_reasons = _unfunded_reasons(election, selected, SHARE_EXHAUSTED)
    for pid, reason in completed.reasons.items():
        if reason != SELECTED and mes_reasons.get(pid) == SHARE_EXHAUSTED and reason == DID_NOT_FIT:
            completed.reasons[pid] = SHARE_EXHAUSTED
    return completed


def _unfunded_reasons(election: Election, selected: Sequence[str], default: str) -> dict[str, str]:
    votes = election.votes()
    chosen = set(selected)
    return {
        pid: SELECTED if pid in chosen else (default if votes[j] and election.costs[j] > 0 else NO_SUPPORT)
        for j, pid in enumerate(election.project_ids)
    }


def _level(b: np.ndarray, w: np.ndarray, bw: np.ndarray, cost: float, total_w: float, p: float) -> tuple[float, bool]:
    """The equal payment p with sum(w * min(b, p)) = cost (floats), from a p known not to exceed it.

    Newton's steps on the concave, piecewise linear sum(w * min(b, p)): each step moves the voters
    below p to the poor (they pay all they have) and shares what is left among the others; it never
    overshoots and stops when nobody else turns poor — pabutools' poor/rich algorithm, vectorised,
    with no sort. Should floats keep it from settling, the sorted scan decides.
    Also says whether every supporter clearly has more than p: then p is exactly cost / total_w.
    """
    count = -1
    for _ in range(64):
        poor = b < p
        n = int(np.count_nonzero(poor))
        if n == count:
            return p, n == 0 and float(b.min()) > p * (1 + _REL)
        count = n
        if n == 0:
            p = cost / total_w
            continue
        rich = total_w - float(np.sum(w, where=poor))
        if rich <= 0:
            break
        p = (cost - float(np.sum(bw, where=poor))) / rich
    order = np.argsort(b)
    b, w = b[order], w[order]
    poor_money = np.cumsum(w * b) - w * b  # what the voters below each one have
    rich = w[::-1].cumsum()[::-1]  # this voter and those above
    levels = (cost - poor_money) / rich
    fits = levels <= b
    if not fits.any():  # the supporters' money is the cost but for rounding: each pays all they have
        return float(b[-1]), False
    return float(levels[int(np.argmax(fits))]), False


class _EqualShares:
    """One election prepared for MES runs at any per-voter budget.

    A voter's exact budget is 0 once they have paid all they had ("exhausted"), otherwise the
    initial share minus the exact payments of the selected projects they voted for. Floats carry
    the same budgets for speed; exact values are computed only for the voters floats can't settle.
    """

    def __init__(self, election: Election):
        self.e = election
        self.w = election.weights.astype(np.float64)
        self.rows = np.ascontiguousarray(election.approvals)
        columns = np.asfortranarray(election.approvals)
        # Cost_Sat: a project that costs nothing satisfies nobody, so MES never considers it.
        self.candidates = [j for j in range(len(election.costs)) if election.costs[j] > 0 and columns[:, j].any()]
        self.supporters = {j: np.flatnonzero(columns[:, j]) for j in self.candidates}
        self.support_w = {j: self.w[s] for j, s in self.supporters.items()}
        self.total_int = {j: int(election.weights[s].sum()) for j, s in self.supporters.items()}
        self.total_w = {j: float(n) for j, n in self.total_int.items()}
        self.cost_f = [float(c) for c in election.costs]
        self.names = election.project_ids
        self.rhos: list[tuple[float, Fraction | None]] = []

    def run(self, per_voter: Fraction) -> list[int]:
        """The projects MES selects (indices, in order); ``self.rhos`` keeps each one's ρ = payment / cost
        (as a float and exactly)."""
        e = self.e
        self.share = Fraction(per_voter)
        self.budget_f = np.full(len(self.w), float(per_voter))
        self.exhausted = np.zeros(len(self.w), dtype=bool)
        self.paid: list[tuple[int, Fraction]] = []  # (project, exact payment per non-exhausted supporter)
        # The same payments as integers over one common denominator, for sums without Fractions.
        self.paid_cols: list[int] = []
        self.paid_num: list[int] = []
        self.paid_den = 1
        self.rhos = []
        lower = {j: 1.0 / self.total_w[j] for j in self.candidates}  # ρ only grows from round to round
        remaining = set(self.candidates)
        selected: list[int] = []
        while remaining:
            best = math.inf
            evaluated: list[tuple[float, int, float]] = []
            for j in sorted(remaining, key=lambda j: lower[j]):
                if lower[j] > best * (1 + _REL):
                    break
                p = self._payment(j, lower[j] * self.cost_f[j])
                if p is None:
                    remaining.discard(j)
                    continue
                rho = p / self.cost_f[j]
                lower[j] = rho
                evaluated.append((rho, j, p))
                best = min(best, rho)
            if not evaluated:
                break
            near = [(j, p) for rho, j, p in evaluated if rho <= best * (1 + _REL)]
            exact = []
            for j, p in near:
                p_exact, poor = self._exact(j, p)
                exact.append((p_exact / e.costs[j], e.project_ids[j], j, p_exact, poor))
            rho_exact, _, j, p_exact, poor = min(exact, key=lambda t: (t[0], t[1]))
            self._charge(j, p_exact, poor)
            remaining.discard(j)
            selected.append(j)
            self.rhos.append((float(rho_exact), rho_exact))
        return selected

    def certify(
        self, sequence: list[int], rhos: list[tuple[float, Fraction | None]], lo: float, hi: float
    ) -> list[tuple[float, Fraction | None]] | None:
        """Whether MES selects ``sequence`` at every per-voter budget in [lo, hi], given that it does at lo.

        ``rhos`` are the winners' ρ at ``lo`` (float, and exact where known). Along a fixed sequence
        of winners, a larger share leaves every voter at least as much money at every round
        (budget - min(budget, p) grows with the budget and shrinks with p), so every payment is at
        most as large (the water level falls as budgets rise). Within [lo, hi] each winner's ρ is
        thus at most its ρ at lo, every other project's ρ at least its ρ at hi, and the money of a
        project's supporters at most theirs at hi. The sequence is certified if, at hi, every other
        project either can't be paid for or has a ρ above the winner's at lo (equal only if its id
        comes later, as pabutools breaks ties), and nothing left at the end can be paid for.
        Floats decide only with a margin; a near tie is settled exactly where both ρ are known
        exactly (a payment nobody is too poor for is exactly cost / supporters), else not certified.
        Returns the winners' ρ at hi (for the next interval), or None.
        """
        budget = np.full(len(self.w), hi)
        lower = {j: 1.0 / self.total_w[j] for j in self.candidates}
        remaining = set(self.candidates)
        rhos_hi: list[tuple[float, Fraction | None]] = []
        for j, (rho_lo, rho_lo_exact) in zip(sequence, rhos, strict=True):
            remaining.discard(j)
            threshold = rho_lo * (1 + _REL)
            for k in sorted(remaining, key=lambda k: lower[k]):
                if lower[k] > threshold:
                    break
                b = budget[self.supporters[k]]
                w = self.support_w[k]
                money = float(np.dot(w, b))
                if money < self.cost_f[k] * (1 - _REL):
                    remaining.discard(k)  # can't be paid for at hi, so nor anywhere below, nor later
                    continue
                if money <= self.cost_f[k] * (1 + _REL):
                    return None
                p, free = _level(b, w, w * b, self.cost_f[k], self.total_w[k], lower[k] * self.cost_f[k])
                lower[k] = p / self.cost_f[k]
                if lower[k] > threshold:
                    continue
                if lower[k] < rho_lo * (1 - _REL) or not free or rho_lo_exact is None:
                    return None
                rho_k = Fraction(1, self.total_int[k])
                if not (rho_k > rho_lo_exact or (rho_k == rho_lo_exact and self.names[k] > self.names[j])):
                    return None
            sup = self.supporters[j]
            b = budget[sup]
            w = self.support_w[j]
            if float(np.dot(w, b)) < self.cost_f[j] * (1 + _REL):
                return None
            p, free = _level(b, w, w * b, self.cost_f[j], self.total_w[j], 0.0)
            rhos_hi.append((p / self.cost_f[j], Fraction(1, self.total_int[j]) if free else None))
            budget[sup] = np.maximum(b - p, 0.0)
        for k in remaining:
            money = float(np.dot(self.support_w[k], budget[self.supporters[k]]))
            if money >= self.cost_f[k] * (1 - _REL):
                return None
        return rhos_hi

    def _payment(self, j: int, start: float) -> float | None:
        """The equal payment of project j's supporters (floats), or None if they can't pay for it."""
        sup = self.supporters[j]
        b = self.budget_f[sup]
        w = self.support_w[j]
        cost = self.cost_f[j]
        bw = w * b
        total = float(bw.sum())
        if total < cost * (1 - _REL):
            return None
        if total <= cost * (1 + _REL) and self._exact_money(sup) < self.e.costs[j]:
            return None
        return _level(b, w, bw, cost, self.total_w[j], start)[0]

    def _exact_budgets(self, voters: np.ndarray) -> list[Fraction]:
        """Exact budgets of some voters, computed once per distinct history of payments."""
        if not self.paid:
            return [Fraction(0) if x else self.share for x in self.exhausted[voters].tolist()]
        cols = np.array([j for j, _ in self.paid])
        history = np.column_stack([self.rows[np.ix_(voters, cols)], self.exhausted[voters]])
        rows, inverse = np.unique(history, axis=0, return_inverse=True)
        payments, start = [p for _, p in self.paid], Fraction(0)
        values = [
            Fraction(0) if row[-1] else self.share - sum((p for p, x in zip(payments, row, strict=False) if x), start)
            for row in rows.tolist()
        ]
        return [values[i] for i in inverse.ravel().tolist()]

    def _exact_money(self, voters: np.ndarray) -> Fraction:
        """Exact sum of some voters' budgets (weighted) from integer counts of who paid what."""
        alive = voters[~self.exhausted[voters]]
        weights = self.e.weights[alive]
        money = int(weights.sum()) * self.share
        if self.paid and len(alive):
            counts = weights @ self.rows[np.ix_(alive, self.paid_cols)].astype(np.int64)
            money -= Fraction(sum(map(operator.mul, counts.tolist(), self.paid_num)), self.paid_den)
        return money

    def _exact(self, j: int, p_f: float) -> tuple[Fraction, np.ndarray]:
        """The exact payment and who pays all they have: voters clearly below the floats' payment `p_f` are
        settled in floats; those next to the exact payment, or below it (should `p_f` have been low), exactly."""
        sup = self.supporters[j]
        b = self.budget_f[sup]
        poor = b < p_f * (1 - _REL)
        cost = self.e.costs[j]
        poor_money = self._exact_money(sup[poor])
        rich = int(self.e.weights[sup].sum()) - int(self.e.weights[sup[poor]].sum())
        p = (cost - poor_money) / rich
        while rich:
            unsure_at = np.flatnonzero(~poor & (b <= float(p) * (1 + _REL)))
            if not len(unsure_at):
                break
            pending = sorted(zip(self._exact_budgets(sup[unsure_at]), unsure_at.tolist(), strict=True))
            # Moving a voter whose budget is at most p into the poor never lowers p, so this settles.
            moved = False
            for value, at in pending:
                if value > p:
                    break
                weight = int(self.e.weights[sup[at]])
                poor_money += weight * value
                rich -= weight
                poor[at] = moved = True
                if rich == 0:
                    break
                p = (cost - poor_money) / rich
            if not moved:
                break
        return p, sup[poor]

    def _charge(self, j: int, p: Fraction, poor: np.ndarray) -> None:
        sup = self.supporters[j]
        self.budget_f[sup] -= float(p)
        self.budget_f[poor] = 0.0
        self.exhausted[poor] = True
        self.paid.append((j, p))
        den = math.lcm(self.paid_den, p.denominator)
        if den != self.paid_den:
            scale = den // self.paid_den
            self.paid_num = [n * scale for n in self.paid_num]
            self.paid_den = den
        self.paid_cols.append(j)
        self.paid_num.append(p.numerator * (den // p.denominator))
