"""Counting ballots: the one tally the app publishes and `plaza-tally` recomputes from a ballots file.

Pure Python on purpose (no Django, no database): anyone can read it, run it on the published
ballots (`plaza-tally paris-climate-action-plan-2018-ballots.json`) and get the very text the
results page and the API are built from. The file format is in docs/ballots-format.md.
"""

import argparse
import csv
import io
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

FORMAT = "plaza-ballots/1"
RANKED = "ranked"
RANKED_RULE = "instant-runoff"


@dataclass
class OptionCount:
    key: str
    label: str
    count: int = 0


@dataclass
class QuestionResult:
    key: str
    text: str
    kind: str
    min_choices: int
    max_choices: int
    options: list[OptionCount] = field(default_factory=list)
    answered: int = 0  # ballots with a valid answer to this question
    invalid: int = 0  # ballots whose answer breaks the question's rules (never from the app itself)
    # Ranked questions only: each ranking (most preferred first) and how many ballots gave it,
    # then the instant-runoff rounds and the winner (see `instant_runoff`).
    rankings: Counter = field(default_factory=Counter)
    rounds: list[dict] = field(default_factory=list)
    winner: str | None = None

    def share(self, option: OptionCount) -> str:
        """The option's share of the valid answers, as a percentage with two decimals (exact rounding)."""
        if not self.answered:
            return "0.00"
        hundredths = (option.count * 10000 * 2 + self.answered) // (self.answered * 2)  # half up
        return f"{hundredths // 100}.{hundredths % 100:02d}"


@dataclass
class Results:
    title: str
    slug: str
    ballots: int
    questions: list[QuestionResult]

    def as_dict(self) -> dict:
        return {"ballots": self.ballots, "questions": [_question_dict(q) for q in self.questions]}


def _question_dict(q: QuestionResult) -> dict:
    found = {
        "key": q.key,
        "text": q.text,
        "answered": q.answered,
        "invalid": q.invalid,
        "options": [{"key": o.key, "label": o.label, "count": o.count, "percent": q.share(o)} for o in q.options],
    }
    if q.kind == RANKED:
        found |= {"rule": RANKED_RULE, "rounds": q.rounds, "winner": q.winner}
    return found


def instant_runoff(options: Sequence[str], rankings: Mapping[tuple, int]) -> tuple[list[dict], str | None]:
    """Instant-runoff voting: the rounds and the winner.

    Each round, every ballot counts for its most preferred option still in the running (a ballot
    whose options are all out is "exhausted"). An option with more than half of the round's
    counted ballots wins; otherwise the option with the fewest is eliminated and the next round
    begins. A tie for fewest eliminates the one with fewer first preferences, then the one listed
    later. The last option in the running wins; nobody wins if no ballot ranks anything.
    """
    position = {key: n for n, key in enumerate(options)}
    running = list(options)
    first: dict[str, int] = {}
    rounds: list[dict] = []
    while running:
        counts = dict.fromkeys(running, 0)
        exhausted = 0
        for ranking, n in rankings.items():
            top = next((key for key in ranking if key in counts), None)
            if top is None:
                exhausted += n
            else:
                counts[top] += n
        first = first or dict(counts)
        counted = sum(counts.values())
        leader = max(running, key=lambda k: (counts[k], -position[k]))
        if not counted:
            rounds.append({"counts": counts, "exhausted": exhausted, "eliminated": None})
            return rounds, None
        if counts[leader] * 2 > counted or len(running) == 1:
            rounds.append({"counts": counts, "exhausted": exhausted, "eliminated": None})
            return rounds, leader
        lowest = min(running, key=lambda k: (counts[k], first[k], -position[k]))
        rounds.append({"counts": counts, "exhausted": exhausted, "eliminated": lowest})
        running.remove(lowest)
    return rounds, None


def valid_choices(question: Mapping, chosen: Sequence[str]) -> bool:
    keys = {o["key"] for o in question["options"]}
    return (
        len(set(chosen)) == len(chosen)
        and all(c in keys for c in chosen)
        and question["min_choices"] <= len(chosen) <= question["max_choices"]
    )


def count(votation: Mapping, answers: Iterable[Mapping[str, Sequence[str]]]) -> Results:
    """Count every ballot's answers against the votation's questions (as in a ballots file's header).

    Identical ballots are put together first (a million yes/no ballots are three groups), then
    `count_groups` checks and counts each group once: the same result as ballot by ballot, faster.
    """
    keys = [q["key"] for q in votation["questions"]]
    groups: Counter = Counter(tuple(tuple(ballot.get(k, ())) for k in keys) for ballot in answers)
    return count_groups(
        votation, ((dict(zip(keys, (list(a) for a in key), strict=True)), n) for key, n in groups.items())
    )


def count_groups(votation: Mapping, groups: Iterable[tuple[Mapping[str, Sequence[str]], int]]) -> Results:
    """The same count from (answers, number of ballots with exactly these answers) pairs.

    The app lets the database group identical ballots first (a million ballots of a yes/no question
    are three groups); `plaza-tally` passes each ballot of the file with 1. Same function, same result.
    """
    questions = votation["questions"]
    results = [
        QuestionResult(
            key=q["key"],
            text=q["text"],
            kind=q["kind"],
            min_choices=q["min_choices"],
            max_choices=q["max_choices"],
            options=[OptionCount(o["key"], o["label"]) for o in q["options"]],
        )
        for q in questions
    ]
    ballots = 0
    for ballot, weight in groups:
        ballots += weight
        for question, result in zip(questions, results, strict=True):
            chosen = list(ballot.get(question["key"], []))
            if not valid_choices(question, chosen):
                result.invalid += weight
                continue
            result.answered += weight
            if result.kind == RANKED:  # the option count is the first preferences; the rounds decide
                result.rankings[tuple(chosen)] += weight
                chosen = chosen[:1]
            for option in result.options:
                option.count += weight * (option.key in chosen)
    for result in results:
        if result.kind == RANKED:
            result.rounds, result.winner = instant_runoff([o.key for o in result.options], result.rankings)
    return Results(title=votation.get("title", ""), slug=votation.get("slug", ""), ballots=ballots, questions=results)


def format_results(results: Results) -> str:
    """The results as plain text: the same lines whether printed by the app or by `plaza-tally`."""
    lines = [f"{results.title} ({results.slug})", f"Ballots: {results.ballots}"]
    for question in results.questions:
        lines += ["", f"{question.key}. {question.text}"]
        width = max((len(o.label) for o in question.options), default=0)
        for option in question.options:
            lines.append(f"  {option.label:<{width}}  {option.count:>9}  {question.share(option):>6} %")
        if question.invalid:
            lines.append(f"  (invalid answers: {question.invalid})")
        if question.kind == RANKED:
            lines += _rounds_lines(question)
    return "\n".join(lines) + "\n"


def _rounds_lines(question: QuestionResult) -> list[str]:
    labels = {o.key: o.label for o in question.options}
    lines = [f"  {RANKED_RULE} (first preferences above):"]
    for number, round_ in enumerate(question.rounds, start=1):
        counts = ", ".join(f"{labels[k]} {n}" for k, n in round_["counts"].items())
        lines.append(f"  round {number}: {counts}; exhausted {round_['exhausted']}")
        if round_["eliminated"]:
            lines.append(f"    eliminated: {labels[round_['eliminated']]}")
    lines.append(f"  winner: {labels[question.winner] if question.winner else '-'}")
    return lines


def read_ballots_file(text: str) -> tuple[dict, list[dict]]:
    """A ballots file (JSON with its header, or CSV whose option labels are then their keys)."""
    if text.lstrip().startswith("{"):
        document = json.loads(text)
        if document.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        return document["votation"], [b["answers"] for b in document["ballots"]]
    rows = list(csv.DictReader(io.StringIO(text)))
    keys = [c for c in (rows[0].keys() if rows else []) if c.startswith("q") and c[1:].isdigit()]
    seen = {k: sorted({c for row in rows for c in row[k].split(";") if c}) for k in keys}
    votation = {
        "title": "",
        "slug": "",
        "questions": [
            {
                "key": k,
                "text": k,
                "kind": "",
                "min_choices": 0,
                "max_choices": len(seen[k]),
                "options": [{"key": o, "label": o} for o in seen[k]],
            }
            for k in keys
        ],
    }
    return votation, [{k: [c for c in row[k].split(";") if c] for k in keys} for row in rows]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="plaza-tally", description="Recompute a votation's results from its published ballots file."
    )
    parser.add_argument("file", help="the ballots file (.json or .csv), or - for standard input")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    try:
        text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()  # noqa: SIM115
        votation, answers = read_ballots_file(text)
    except (OSError, ValueError, KeyError) as error:
        print(f"plaza-tally: cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    results = count(votation, answers)
    print(
        json.dumps(results.as_dict(), indent=1, ensure_ascii=False) if args.json else format_results(results),
        end="" if not args.json else "\n",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
