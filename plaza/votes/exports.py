"""The votes app's open data: each votation's anonymous ballots file and the list of votations with results."""

import csv
import io
import json

from django.http import HttpResponse
from django.urls import reverse

from plaza.core.models import Jurisdiction
from plaza.votes import queries, tally
from plaza.votes.models import Votation

LICENCE = "CC-BY-4.0"
BALLOT_COLUMNS = ("receipt", "cast_on", "channel", "booth")


def ballots_document(votation: Votation) -> dict:
    return {
        "format": tally.FORMAT,
        "licence": LICENCE,
        "jurisdiction": votation.jurisdiction.slug,
        "votation": queries.votation_header(votation),
        "ballots": list(queries.ballot_rows(votation)),
    }


def ballots_csv(votation: Votation) -> str:
    """One row a ballot; each question a column ("q1"…) holding the chosen option keys joined by ";"."""
    keys = [q.key for q in votation.questions.all()]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*BALLOT_COLUMNS, *keys])
    for row in queries.ballot_rows(votation):
        writer.writerow([*(row[c] for c in BALLOT_COLUMNS), *(";".join(row["answers"].get(k, [])) for k in keys)])
    return out.getvalue()


def ballots_response(votation: Votation, fmt: str) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(ballots_document(votation), ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json")
    else:
        response = HttpResponse(ballots_csv(votation), content_type="text/csv; charset=utf-8")
    filename = f"{votation.jurisdiction.slug}-{votation.slug}-ballots.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def ballots_url(votation: Votation, fmt: str) -> str:
    return reverse(
        "votes:ballots", kwargs={"jurisdiction": votation.jurisdiction.slug, "votation": votation.slug, "fmt": fmt}
    )


VOTATION_COLUMNS = (
    "slug",
    "title",
    "status",
    "opens_at",
    "closes_at",
    "channels",
    "secret",
    "district",
    "min_age",
    "url",
    "ballots_csv",
    "ballots_json",
)


def votation_rows(jurisdiction: Jurisdiction, base: str = ""):
    """Each published votation; the ballots files' addresses once it has closed (results go with them)."""
    for votation in queries.votations_of(jurisdiction).order_by("opens_at", "slug"):
        closed = votation.is_closed
        yield {
            "slug": votation.slug,
            "title": votation.title,
            "status": votation.status,
            "opens_at": votation.opens_at,
            "closes_at": votation.closes_at,
            "channels": " ".join(votation.channels()),
            "secret": votation.is_secret,
            "district": votation.district,
            "min_age": votation.min_age,
            "url": base + votation.get_absolute_url(),
            "ballots_csv": base + ballots_url(votation, "csv") if closed else None,
            "ballots_json": base + ballots_url(votation, "json") if closed else None,
            "_votation": votation,
        }


def votations_document(jurisdiction: Jurisdiction, base: str) -> dict:
    """/<j>/votes/export/votations.json: the CSV export's rows plus results and turnout of closed votations."""
    rows = []
    for row in votation_rows(jurisdiction, base):
        votation = row.pop("_votation")
        if votation.is_closed:
            row["results"] = queries.results_of(votation).as_dict()
            row["turnout"] = queries.turnout_of(votation)
        else:
            row["results"] = row["turnout"] = None
        rows.append(row)
    return {"jurisdiction": jurisdiction.slug, "export": "votations", "licence": LICENCE, "rows": rows}
