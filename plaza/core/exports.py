"""Bulk downloads (open by default): core's and every component's public rows as CSV or JSON."""

import csv
import json
from collections.abc import Iterable
from datetime import date, datetime
from itertools import chain

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from plaza.core.components import Export
from plaza.core.models import Jurisdiction, Phase, Process
from plaza.core.queries.audit import public_audit_log

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    # Spreadsheets run cells that start like a formula; a leading quote keeps them text.
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_row(export: Export, row: dict) -> list[str]:
    return [csv_cell(row.get(column)) for column in export.columns]


def core_export(name: str) -> Export:
    return next(e for e in CORE_EXPORTS if e.name == name)


def export_response(export: Export, jurisdiction: Jurisdiction, fmt: str, filename: str) -> HttpResponse:
    rows: Iterable[dict] = export.rows(jurisdiction)
    if fmt == "json":
        body = json.dumps(
            {
                "jurisdiction": jurisdiction.slug,
                "export": export.name,
                "licence": "CC-BY-4.0",
                "rows": [{c: row.get(c) for c in export.columns} for row in rows],
            },
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            indent=1,
        )
        response = HttpResponse(body, content_type=FORMATS["json"])
    else:
        writer = csv.writer(_Echo())
        lines = (writer.writerow(csv_row(export, row)) for row in rows)
        header = writer.writerow(export.columns)
        response = StreamingHttpResponse(chain([header], lines), content_type=FORMATS["csv"])
    response["Content-Disposition"] = f'attachment; filename="{jurisdiction.slug}-{filename}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _processes(jurisdiction: Jurisdiction):
    for process in Process.objects.with_scope(jurisdiction=jurisdiction).filter(is_published=True).order_by("slug"):
        yield {
            "slug": process.slug,
            "title": process.title,
            "subtitle": process.subtitle,
            "description": process.description,
            "start_date": process.start_date,
            "end_date": process.end_date,
            "url": process.get_absolute_url(),
        }


def _phases(jurisdiction: Jurisdiction):
    phases = Phase.objects.with_scope(jurisdiction=jurisdiction).filter(process__is_published=True)
    for phase in phases.select_related("process").order_by("process__slug", "position"):
        yield {
            "process": phase.process.slug,
            "position": phase.position,
            "title": phase.title,
            "starts_at": phase.starts_at,
            "ends_at": phase.ends_at,
        }


def _audit(jurisdiction: Jurisdiction):
    for entry in public_audit_log(jurisdiction).order_by("created_at", "id").iterator():
        yield {
            "id": entry.pk,
            "created_at": entry.created_at,
            "actor": entry.actor_label,
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "target": entry.target_label,
            "reason": entry.reason,
        }


CORE_EXPORTS = (
    Export(
        "processes",
        _("Processes"),
        ("slug", "title", "subtitle", "description", "start_date", "end_date", "url"),
        _processes,
    ),
    Export("phases", _("Phases of processes"), ("process", "position", "title", "starts_at", "ends_at"), _phases),
    Export(
        "public-record",
        _("Public record of privileged actions"),
        ("id", "created_at", "actor", "action", "target_type", "target_id", "target", "reason"),
        _audit,
    ),
)
