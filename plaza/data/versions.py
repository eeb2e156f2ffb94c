"""A dataset's metadata as a JSON snapshot, and the differences between two snapshots."""

import difflib
from dataclasses import dataclass

from plaza.data.models import Dataset

# The order fields are compared and shown in.
SNAPSHOT_FIELDS = (
    "title",
    "name",
    "description",
    "organization",
    "state",
    "licence_id",
    "contact_name",
    "contact_email",
    "themes",
    "keywords",
    "temporal_start",
    "temporal_end",
    "spatial",
    "frequency",
    "sdg_goals",
    "resources",
)


def snapshot(dataset: Dataset, *, sdg_goals: list[int]) -> dict:
    """Everything a reader sees of the dataset's metadata, as plain JSON values."""
    return {
        "title": dataset.title,
        "name": dataset.name,
        "description": dataset.description,
        "organization": dataset.organization.name,
        "state": dataset.state,
        "licence_id": dataset.licence_id,
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "themes": sorted(dataset.themes.values_list("code", flat=True)),
        "keywords": sorted(dataset.keywords.values_list("name", flat=True)),
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "spatial": dataset.spatial,
        "frequency": dataset.frequency,
        "sdg_goals": sorted(sdg_goals),
        "resources": [
            f"{r.name} [{r.format}] {r.url or (r.attachment.original_name if r.attachment else '')}".strip()
            for r in dataset.resources.select_related("attachment")
        ],
    }


@dataclass(frozen=True)
class FieldDiff:
    field: str
    lines: list[str]  # unified diff lines, "+"/"-"/" " prefixed


def _as_lines(value) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value if value is not None else "").splitlines() or [""]


def diff(older: dict, newer: dict) -> list[FieldDiff]:
    """The fields that changed between two snapshots, each with its line-by-line difference."""
    changes = []
    for field in SNAPSHOT_FIELDS:
        before, after = _as_lines(older.get(field, "")), _as_lines(newer.get(field, ""))
        if before == after:
            continue
        lines = [line for line in difflib.ndiff(before, after) if not line.startswith("?")]
        changes.append(FieldDiff(field, lines))
    return changes
