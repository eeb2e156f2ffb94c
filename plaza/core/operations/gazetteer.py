"""Loading a jurisdiction's gazetteer from OpenAddresses CSV or GeoJSON: every row checked, all or nothing.

An entry is known by its `address_id` (the file's ID, else a hash of the normalised address): a row
naming an entry already there (in the gazetteer or earlier in the file) updates it, the last row winning.
"""

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.geocoding import derived_address_id, locality, number_key, number_value, street_key, street_type
from plaza.core.models import GazetteerEntry, GazetteerName, Jurisdiction, Role
from plaza.core.permissions import require_role
from plaza.core.tenancy import jurisdiction_scope

# OpenAddresses' columns (NAME is ours: a named place such as a square or a city hall; ID, the source's own
# address id, becomes the entry's `address_id`).
COLUMNS = ("LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "DISTRICT", "REGION", "POSTCODE", "NAME", "ID")
LIMITS = {
    "id": 64,
    "number": 20,
    "street": 200,
    "unit": 50,
    "city": 100,
    "district": 100,
    "region": 100,
    "postcode": 20,
    "name": 200,
}
BATCH = 2000
MAX_ERRORS = 1000  # more are counted, not listed


@dataclass(frozen=True)
class GazetteerRowError:
    where: str  # "Line 12" or "Feature 3"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class GazetteerFileInvalid(ValidationError):
    def __init__(self, errors: list[GazetteerRowError], total: int | None = None):
        self.row_errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__([str(e) for e in errors])


@dataclass(frozen=True)
class GazetteerImport:
    created: int
    replaced: int


def _line(number: int) -> str:
    return _("Line %(line)s") % {"line": number}


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[str, dict | str]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    try:
        header = [(h or "").strip().upper() for h in (reader.fieldnames or [])]
    except UnicodeDecodeError:
        yield _line(1), _("The file is not UTF-8 text.")
        return
    missing = [c for c in ("LON", "LAT") if c not in header]
    if missing or not ({"STREET", "NAME"} & set(header)):
        needed = ", ".join(missing or ["STREET"])
        yield _line(1), _("The header lacks the column(s) %(columns)s.") % {"columns": needed}
        return
    reader.fieldnames = header
    try:
        for raw in reader:
            if None in raw:
                yield _line(reader.line_num), _("This row has more fields than the header.")
                continue
            yield _line(reader.line_num), {k.lower(): (raw.get(k) or "") for k in COLUMNS}
    except UnicodeDecodeError:
        yield _line(reader.line_num + 1), _("The file is not UTF-8 text.")
    except csv.Error as broken:
        yield _line(reader.line_num), _("This row is not valid CSV (%(reason)s).") % {"reason": broken}


def _feature(feature) -> dict | str:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return _("This is not a GeoJSON Feature.")
    geometry = feature.get("geometry") or {}
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if geometry.get("type") != "Point" or not isinstance(coordinates, list) or len(coordinates) < 2:
        return _("Its geometry must be a Point.")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return _("Its properties must be an object.")
    given = {str(k).lower(): v for k, v in properties.items()}  # OpenAddresses writes them in lower case
    row = {k.lower(): ("" if given.get(k.lower()) is None else str(given[k.lower()])) for k in COLUMNS}
    if not row["id"] and isinstance(feature.get("id"), str | int):  # GeoJSON's own feature id
        row["id"] = str(feature["id"])
    row.update(lon=coordinates[0], lat=coordinates[1])
    return row


def _geojson_rows(stream: IO[bytes]) -> Iterator[tuple[str, dict | str]]:
    try:
        text = stream.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        yield _line(1), _("The file is not UTF-8 text.")
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as whole:
        if whole.msg == "Extra data":  # newline-delimited GeoJSON (OpenAddresses' output): a Feature a line
            yield from _geojson_lines(text)
        else:
            yield _line(whole.lineno), _("This is not valid JSON (%(reason)s).") % {"reason": whole.msg}
        return
    if isinstance(document, dict) and document.get("type") == "Feature":
        yield _("Feature %(number)s") % {"number": 1}, _feature(document)
        return
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        yield _line(1), _("A GeoJSON file must hold a FeatureCollection of Points.")
        return
    for number, feature in enumerate(document.get("features") or [], start=1):
        yield _("Feature %(number)s") % {"number": number}, _feature(feature)


def _geojson_lines(text: str) -> Iterator[tuple[str, dict | str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().lstrip("\x1e")  # RFC 8142 text sequences start each record with RS
        if not line:
            continue
        try:
            yield _line(number), _feature(json.loads(line))
        except json.JSONDecodeError as bad:
            yield _line(number), _("This is not valid JSON (%(reason)s).") % {"reason": bad.msg}


def _coordinate(value, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _with_id(entry: GazetteerEntry, given: str) -> GazetteerEntry:
    entry.address_id = given or derived_address_id(
        kind=entry.kind,
        street_key=entry.street_key,
        number_key=entry.number_key,
        street_type=entry.street_type,
        street=entry.street,
        number=entry.number,
        unit=entry.unit,
        postcode=entry.postcode,
        city=entry.city,
        district=entry.district,
        region=entry.region,
    )
    return entry


def _entries(jurisdiction: Jurisdiction, row: dict) -> list[GazetteerEntry] | str:
    """The entries one row makes (an address, a named place, or both), or why it is refused."""
    latitude, longitude = _coordinate(row["lat"], -90, 90), _coordinate(row["lon"], -180, 180)
    if latitude is None or longitude is None:
        return _("LAT must be a latitude (-90 to 90) and LON a longitude (-180 to 180).")
    row = {k: v.strip() if isinstance(v, str) else v for k, v in row.items()}
    for name, limit in LIMITS.items():
        if len(row[name]) > limit:
            return _("%(column)s is longer than %(max)s characters.") % {"column": name.upper(), "max": limit}
    if not row["street"] and not row["name"]:
        return _("Give a STREET (with its NUMBER) or the NAME of the place.")
    if not row["id"].isprintable():
        return _("ID must be printable text.")
    common = {k: row[k] for k in ("unit", "city", "district", "region", "postcode")}
    common.update(jurisdiction=jurisdiction, latitude=latitude, longitude=longitude)
    made, where = [], locality(postcode=row["postcode"], city=row["city"], district=row["district"])
    address = ""
    if row["street"]:
        key = street_key(row["street"])
        if not key:
            return _("The STREET has no letters or digits.")
        number = number_key(row["number"]) or street_key(row["number"])[:20]
        address = " ".join(p for p in (row["street"], row["number"], row["unit"]) if p)
        made.append(
            _with_id(
                GazetteerEntry(
                    kind=GazetteerEntry.Kind.ADDRESS if number else GazetteerEntry.Kind.PLACE,
                    street_key=key,
                    number_key=number,
                    number_value=number_value(number),
                    street_type=street_type(row["street"]),
                    street=row["street"],
                    number=row["number"],
                    label=", ".join(p for p in (address, where) if p)[:300],
                    **common,
                ),
                row["id"],
            )
        )
    if row["name"]:
        key = street_key(row["name"])
        if not key:
            return _("The NAME has no letters or digits.")
        place_at = ", ".join(p for p in (address, where) if p)
        made.append(
            _with_id(
                GazetteerEntry(
                    kind=GazetteerEntry.Kind.PLACE,
                    street_key=key,
                    street_type=street_type(row["name"]),
                    name=row["name"],
                    street=row["street"],
                    number=row["number"],
                    label=(f"{row['name']} ({place_at})" if place_at else row["name"])[:300],
                    **common,
                ),
                "" if made else row["id"],  # the file's ID names the row's address; a place beside it gets its own
            )
        )
    return made


_UPDATED = [f.name for f in GazetteerEntry._meta.concrete_fields if f.name not in ("id", "jurisdiction", "address_id")]


def _write(jurisdiction: Jurisdiction, batch: list[GazetteerEntry]) -> int:
    """Insert a batch, updating the entries whose address_id is already there; and the names it brings."""
    if not batch:
        return 0
    unique = list({entry.address_id: entry for entry in batch}.values())  # one row per id in a statement
    GazetteerEntry.objects.bulk_create(
        unique, update_conflicts=True, unique_fields=["jurisdiction", "address_id"], update_fields=_UPDATED
    )
    keys = {entry.street_key for entry in unique}
    GazetteerName.objects.bulk_create([gazetteer_name(jurisdiction, key) for key in keys], ignore_conflicts=True)
    return len(batch)


def gazetteer_name(jurisdiction: Jurisdiction, key: str) -> GazetteerName:
    return GazetteerName(jurisdiction=jurisdiction, key=key, head=key[:2], tail=key[-2:])


def _is_geojson(file_name: str, stream: IO[bytes]) -> bool:
    if file_name.lower().endswith((".geojson", ".json", ".geojsonl", ".geojsons", ".ndjson")):
        return True
    start = stream.read(64)
    stream.seek(0)
    return start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def import_gazetteer(
    *, actor, jurisdiction: Jurisdiction, file_name: str, stream: IO[bytes], replace: bool = False
) -> GazetteerImport:
    """Load addresses and places; any refused row rejects the whole file (errors by line) and nothing is written.

    Rows are checked and written in batches inside one transaction, so a file of millions of
    addresses streams through without being held in memory, and an error rolls all of it back.
    """
    require_role(actor, jurisdiction, Role.ADMIN)
    rows = _geojson_rows(stream) if _is_geojson(file_name, stream) else _csv_rows(stream)
    errors: list[GazetteerRowError] = []
    error_count = created = replaced = 0
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        if replace:
            replaced = GazetteerEntry.objects.filter(jurisdiction=jurisdiction).delete()[0]
            GazetteerName.objects.filter(jurisdiction=jurisdiction).delete()
        batch: list[GazetteerEntry] = []
        for where, row in rows:
            made = _entries(jurisdiction, row) if isinstance(row, dict) else row
            if isinstance(made, str):
                error_count += 1
                if len(errors) < MAX_ERRORS:
                    errors.append(GazetteerRowError(where, made))
                continue
            if not error_count:  # after an error nothing more is written: it will all be rolled back
                batch.extend(made)
                if len(batch) >= BATCH:
                    created += _write(jurisdiction, batch)
                    batch = []
        if not error_count and not created and not batch:
            errors, error_count = [GazetteerRowError(_line(2), _("The file has no addresses."))], 1
        if error_count:
            transaction.set_rollback(True)
        else:
            created += _write(jurisdiction, batch)
            record(
                jurisdiction=jurisdiction,
                actor=actor,
                action="gazetteer.import",
                data={"file": file_name[:200], "created": created, "replaced": replaced},
            )
    if error_count:
        raise GazetteerFileInvalid(errors, error_count)
    return GazetteerImport(created=created, replaced=replaced)
