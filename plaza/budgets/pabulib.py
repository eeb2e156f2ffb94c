"""Pabulib `.pb` files (pabulib.org/format): parse with line-numbered errors, write, and turn into an election.

No Django here: the `pb_outcome` command and the import/export operations both use it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.utils.translation import gettext as _

from plaza.budgets.rules import Election

VOTE_TYPES = ("approval", "choose-1", "cumulative", "ordinal", "scoring")
SECTIONS = ("meta", "projects", "votes")
MAX_ERRORS = 50


@dataclass(frozen=True)
class PbError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class PabulibError(ValueError):
    """A malformed or inconsistent file; ``errors`` says where and why (first ones only)."""

    def __init__(self, errors: list[PbError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass
class PbFile:
    meta: dict[str, str] = field(default_factory=dict)
    projects: list[dict[str, str]] = field(default_factory=list)  # each has project_id and cost
    votes: list[dict[str, str]] = field(default_factory=list)  # each has voter_id and vote (and points)

    @property
    def vote_type(self) -> str:
        return self.meta["vote_type"]

    @property
    def budget(self) -> Fraction:
        return _number(self.meta["budget"])

    def ballot(self, vote: dict[str, str]) -> list[str]:
        return _split(vote.get("vote", ""))

    def points(self, vote: dict[str, str]) -> list[Fraction]:
        return [_number(x) for x in _split(vote.get("points", ""))]

    def election(self) -> Election:
        """Every project a ballot lists counts for it (pabutools' Cost_Sat), whatever the vote type."""
        return Election.from_ballots(
            project_ids=[p["project_id"] for p in self.projects],
            costs=[_number(p["cost"]) for p in self.projects],
            budget=self.budget,
            ballots=[self.ballot(v) for v in self.votes],
        )


def _split(value: str) -> list[str]:
    return [x.strip() for x in value.split(",") if x.strip()]


def _number(value: str) -> Fraction:
    return Fraction(Decimal(value.strip().replace(",", ".")))


def _is_number(value: str | None) -> bool:
    if value is None:
        return False
    try:
        return Decimal(value.strip().replace(",", ".")).is_finite()
    except InvalidOperation:
        return False


def parse(text: str) -> PbFile:
    """Parse a `.pb` file; raise `PabulibError` listing each problem with its line number."""
    errors: list[PbError] = []
    pb = PbFile()
    lines: dict[str, int] = {}  # "project:<id>" / "vote:<n>" -> line, for later checks
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    section, header, seen = "", [], []
    for row in reader:
        line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        name = row[0].strip().lower()
        if name in SECTIONS and len(row) == 1:
            if name in seen or SECTIONS.index(name) != len(seen):
                errors.append(PbError(line, _("section %(name)s is out of order") % {"name": row[0].strip()}))
            seen.append(name)
            section, header = name, [h.strip() for h in next(reader, [])]
            _check_header(section, header, reader.line_num, errors)
            continue
        if not section:
            errors.append(PbError(line, _("text before the META section")))
            continue
        if len(row) != len(header):
            errors.append(
                PbError(
                    line,
                    _("%(got)s fields where the header has %(want)s") % {"got": len(row), "want": len(header)},
                )
            )
            continue
        record = {h: v.strip() for h, v in zip(header, row, strict=True)}
        if section == "meta":
            pb.meta[record[header[0]]] = record[header[1]]
            lines[f"meta:{record[header[0]]}"] = line
        elif section == "projects":
            _check_project(record, line, lines, errors)
            pb.projects.append(record)
        else:
            _check_vote_id(record, line, lines, errors, len(pb.votes))
            pb.votes.append(record)
        if len(errors) >= MAX_ERRORS:
            raise PabulibError(errors)
    if len(seen) < len(SECTIONS):
        missing = [s.upper() for s in SECTIONS if s not in seen]
        errors.append(PbError(1, _("missing section(s): %(names)s") % {"names": ", ".join(missing)}))
        raise PabulibError(errors)
    _check_meta(pb, lines, errors)
    if not errors:
        _check_votes(pb, lines, errors)
    if errors:
        raise PabulibError(errors[:MAX_ERRORS])
    return pb


def _check_header(section: str, header: list[str], line: int, errors: list[PbError]) -> None:
    first = {"meta": "key", "projects": "project_id", "votes": "voter_id"}[section]
    if not header or header[0] != first:
        errors.append(
            PbError(
                line,
                _("the %(section)s header must start with %(first)s") % {"section": section.upper(), "first": first},
            )
        )
    if section == "projects" and "cost" not in header:
        errors.append(PbError(line, _("the PROJECTS header has no cost column")))
    if section == "votes" and "vote" not in header:
        errors.append(PbError(line, _("the VOTES header has no vote column")))


def _check_project(record: dict[str, str], line: int, lines: dict[str, int], errors: list[PbError]) -> None:
    pid = record.get("project_id", "")
    if not pid:
        errors.append(PbError(line, _("a project without an id")))
    elif f"project:{pid}" in lines:
        errors.append(
            PbError(
                line,
                _("project %(id)s is listed twice (first at line %(first)s)")
                % {"id": pid, "first": lines[f"project:{pid}"]},
            )
        )
    lines.setdefault(f"project:{pid}", line)
    cost = record.get("cost")
    if not _is_number(cost) or _number(cost) < 0:
        errors.append(
            PbError(
                line, _("project %(id)s: the cost %(cost)s is not a number of at least 0") % {"id": pid, "cost": cost}
            )
        )


def _check_vote_id(record, line, lines, errors, index) -> None:
    vid = record.get("voter_id", "")
    if f"voter:{vid}" in lines:
        errors.append(
            PbError(
                line,
                _("voter %(id)s voted twice (first at line %(first)s)") % {"id": vid, "first": lines[f"voter:{vid}"]},
            )
        )
    lines.setdefault(f"voter:{vid}", line)
    lines[f"vote:{index}"] = line


def _check_meta(pb: PbFile, lines: dict[str, int], errors: list[PbError]) -> None:
    meta = pb.meta

    def at(key: str) -> int:
        return lines.get(f"meta:{key}", 1)

    for key in ("budget", "vote_type", "num_projects", "num_votes"):
        if key not in meta:
            errors.append(PbError(1, _("META has no %(key)s") % {"key": key}))
    if not _is_number(meta.get("budget")) and "budget" in meta:
        errors.append(PbError(at("budget"), _("META budget %(value)s is not a number") % {"value": meta["budget"]}))
    if meta.get("vote_type") not in VOTE_TYPES and "vote_type" in meta:
        errors.append(
            PbError(
                at("vote_type"),
                _("META vote_type %(value)s is not one of %(types)s")
                % {"value": meta["vote_type"], "types": ", ".join(VOTE_TYPES)},
            )
        )
    for key, actual in (("num_projects", len(pb.projects)), ("num_votes", len(pb.votes))):
        declared = meta.get(key)
        if declared is not None and (not declared.isdigit() or int(declared) != actual):
            errors.append(
                PbError(
                    at(key),
                    _("META %(key)s says %(declared)s but the file has %(actual)s")
                    % {"key": key, "declared": declared, "actual": actual},
                )
            )
    for key in (
        "min_length",
        "max_length",
        "min_sum_points",
        "max_sum_points",
        "max_points",
        "min_points",
        "max_sum_cost",
    ):
        if key in meta and not _is_number(meta[key]):
            message = _("META %(key)s %(value)s is not a number") % {"key": key, "value": meta[key]}
            errors.append(PbError(at(key), message))


def _check_votes(pb: PbFile, lines: dict[str, int], errors: list[PbError]) -> None:
    costs = {p["project_id"]: _number(p["cost"]) for p in pb.projects}
    meta = {
        k: _number(v)
        for k, v in pb.meta.items()
        if k
        in ("min_length", "max_length", "min_sum_points", "max_sum_points", "max_points", "min_points", "max_sum_cost")
    }
    scored = pb.vote_type in ("cumulative", "scoring")
    for index, vote in enumerate(pb.votes):
        line = lines[f"vote:{index}"]
        ballot = pb.ballot(vote)
        problems = _ballot_problems(pb, vote, ballot, costs, meta, scored)
        errors.extend(PbError(line, message) for message in problems)
        if len(errors) >= MAX_ERRORS:
            return


def _ballot_problems(pb, vote, ballot, costs, meta, scored) -> Iterable[str]:
    vid = vote.get("voter_id", "")
    unknown = [pid for pid in ballot if pid not in costs]
    if unknown:
        yield _("voter %(id)s votes for unknown project(s) %(ids)s") % {"id": vid, "ids": ", ".join(unknown)}
    if len(set(ballot)) != len(ballot):
        yield _("voter %(id)s lists a project twice") % {"id": vid}
    if pb.vote_type == "choose-1" and len(ballot) > 1:
        yield _("voter %(id)s chose %(n)s projects in a choose-1 vote") % {"id": vid, "n": len(ballot)}
    if "min_length" in meta and ballot and len(ballot) < meta["min_length"]:
        yield _("voter %(id)s lists %(n)s projects, fewer than min_length") % {"id": vid, "n": len(ballot)}
    if "max_length" in meta and len(ballot) > meta["max_length"]:
        yield _("voter %(id)s lists %(n)s projects, more than max_length") % {"id": vid, "n": len(ballot)}
    if "max_sum_cost" in meta and not unknown and sum(costs[p] for p in set(ballot)) > meta["max_sum_cost"]:
        yield _("voter %(id)s's projects cost more than max_sum_cost") % {"id": vid}
    if scored:
        yield from _points_problems(vote, ballot, meta, vid)


def _points_problems(vote, ballot, meta, vid) -> Iterable[str]:
    raw = _split(vote.get("points", ""))
    if len(raw) != len(ballot):
        yield _("voter %(id)s has %(points)s points for %(projects)s projects") % {
            "id": vid,
            "points": len(raw),
            "projects": len(ballot),
        }
        return
    if not all(_is_number(x) for x in raw):
        yield _("voter %(id)s has points that are not numbers") % {"id": vid}
        return
    points = [_number(x) for x in raw]
    if "max_sum_points" in meta and sum(points) > meta["max_sum_points"]:
        yield _("voter %(id)s gives %(sum)s points, more than max_sum_points") % {"id": vid, "sum": sum(points)}
    if "max_points" in meta and any(x > meta["max_points"] for x in points):
        yield _("voter %(id)s gives a project more than max_points") % {"id": vid}
    if any(x < 0 for x in points):
        yield _("voter %(id)s gives negative points") % {"id": vid}


def write(pb: PbFile) -> str:
    """Write a `.pb` file: META, PROJECTS and VOTES with the columns found in the records, in order."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in pb.meta.items():
        writer.writerow([key, value])
    for section, records, first in (("PROJECTS", pb.projects, "project_id"), ("VOTES", pb.votes, "voter_id")):
        out.write(section + "\n")
        columns = [first] + [c for c in dict.fromkeys(k for r in records for k in r) if c != first]
        if not records:
            columns = [first, "cost"] if first == "project_id" else [first, "vote"]
        writer.writerow(columns)
        for record in records:
            writer.writerow([record.get(c, "") for c in columns])
    return out.getvalue()


def read(path: str) -> PbFile:
    with open(path, encoding="utf-8") as handle:
        return parse(handle.read())
