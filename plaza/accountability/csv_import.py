"""The one way accountability reads an uploaded CSV: its text, its header, its rows, line-numbered errors.

The results import (`results_import.py`) and the milestone progress import (`progress_import.py`) give their
columns and a check of one row; both are checked in full first, then applied all or nothing by their job.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

MAX_ROWS = 50_000
MAX_BYTES = 10 * 1024 * 1024
MAX_ERRORS = 200  # a report longer than this is not read; the count says how many more there were
PROGRESS_EVERY = 1000  # rows between two reports to the progress bar

Progress = Callable[[int, int], None] | None


@dataclass
class Report:
    """What a check found: the valid rows, the errors by line, and what applying would create or update."""

    kind: str = ""  # said in the job's result when the report page must tell imports apart
    rows: list = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    created: int = 0
    updated: int = 0

    def error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((line, message))

    def as_dict(self, *, dry_run: bool, applied: bool) -> dict:
        found = {"kind": self.kind} if self.kind else {}
        return found | {
            "dry_run": dry_run,
            "applied": applied,
            "rows": len(self.rows),
            "created": self.created,
            "updated": self.updated,
            "errors": [{"line": line, "message": message} for line, message in self.errors],
            "error_count": self.error_count,
        }


def decode(content: bytes) -> str:
    """The file's text, or ValueError with a message a person can act on."""
    if len(content) > MAX_BYTES:
        raise ValueError(_("The file is larger than 10 MB: split it."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        raise ValueError(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from bad


def read(
    text: str,
    report: Report,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    known: Callable[[], Any],
    check_row: Callable[[Report, int, dict[str, str], Any, dict], None],
    progress: Progress = None,
) -> Report:
    """Check the header, then `check_row(report, line, values, known, seen)` for every row with all its cells.

    `known()` is read once the header and the size are right (what the rows' keys are checked against);
    `seen` is the rows' keys so far, for `check_row` to find repeats. `progress(done, total)` is told along
    the way. Errors go to `report` with the file's line numbers (the header is line 1); nothing is written.
    """
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in required if name not in header]
    if missing:
        report.error(1, _("The header row lacks the column(s): %(names)s.") % {"names": ", ".join(missing)})
        return report
    unknown = [name for name in header if name not in required + optional]
    if unknown:
        report.error(1, _("Unknown column(s): %(names)s.") % {"names": ", ".join(unknown)})
        return report
    records = list(reader)
    if len(records) > MAX_ROWS:
        report.error(1, _("The file has more than %(n)s rows: split it.") % {"n": MAX_ROWS})
        return report
    keys, seen = known(), {}
    total = len(records)
    for index, cells in enumerate(records):
        line = index + 2
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, total)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            report.error(line, _("Expected %(n)s cells, found %(found)s.") % {"n": len(header), "found": len(cells)})
            continue
        check_row(report, line, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}, keys, seen)
    if progress:
        progress(total, total)
    return report
