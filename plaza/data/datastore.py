"""The datastore: tabular files checked, validated with frictionless, loaded as rows, and searched like CKAN's."""

import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.data.models import DatastoreRow, DatastoreTable

TABULAR_FORMATS = {"CSV": ".csv", "XLSX": ".xlsx", "GEOJSON": ".geojson"}  # loadable into the datastore
CHUNK_ROWS = 5000
KEPT_ERRORS = 100
CKAN_TYPES = {  # frictionless type -> the type name CKAN's datastore gives
    "integer": "int",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
    "time": "time",
    "year": "int",
}


def max_uncompressed_bytes() -> int:
    """An XLSX is a zip: its parts may not expand beyond this (a zip bomb is refused before it is opened)."""
    return int(getattr(settings, "PLAZA_DATASTORE_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024))


def is_tabular(format: str) -> bool:
    return format.upper() in TABULAR_FORMATS


# --- checks before anything is written ------------------------------------------------------------


def check_tabular(content: bytes, format: str, field_name: str = "upload") -> None:
    """Refuse a file that cannot be loaded at all: not UTF-8 text (CSV), a zip bomb or no zip (XLSX)."""
    if format.upper() == "CSV":
        _check_utf8(content, field_name)
    elif format.upper() == "XLSX":
        _check_zip(content, field_name)


def _check_utf8(content: bytes, field_name: str) -> None:
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError as broken:
        line = content[: broken.start].count(b"\n") + 1
        raise ValidationError(
            {
                field_name: _(
                    "The file is not valid UTF-8 text (line %(line)s, byte %(byte)s). "
                    "Save it as CSV UTF-8 and upload it again."
                )
                % {"line": line, "byte": broken.start + 1}
            }
        ) from None


def _check_zip(content: bytes, field_name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ValidationError({field_name: _("The spreadsheet could not be opened: it is not an XLSX file.")}) from None
    limit = max_uncompressed_bytes()
    if expanded > limit:
        raise ValidationError(
            {
                field_name: _("The spreadsheet expands to %(size)s when opened, more than the limit of %(limit)s.")
                % {"size": filesizeformat(expanded), "limit": filesizeformat(limit)}
            }
        )


# --- loading ------------------------------------------------------------------------------------


@dataclass
class LoadOutcome:
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    fields: list[dict] = field(default_factory=list)

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < KEPT_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})


def _json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _type_label(kind: str) -> str:
    labels = {
        "integer": _("whole number"),
        "number": _("number"),
        "boolean": _("yes/no value"),
        "date": _("date (YYYY-MM-DD)"),
        "datetime": _("date and time"),
        "time": _("time"),
        "year": _("year"),
    }
    return str(labels.get(kind, _("value")))


def _cell_errors(row, outcome: LoadOutcome, types: dict[str, str]) -> None:
    for error in row.errors:
        column = getattr(error, "field_name", "") or ""
        cell = getattr(error, "cell", "")
        if error.type == "type-error":
            message = _("“%(value)s” is not a valid %(type)s.") % {
                "value": str(cell)[:80],
                "type": _type_label(types.get(column, "")),
            }
        elif error.type == "extra-cell":
            message = _("This row has more values than there are columns.")
        elif error.type == "missing-cell":
            message = _("This row has fewer values than there are columns.")
        else:
            message = error.message
        outcome.add_error(row.row_number, column, message)


def load_rows(table: DatastoreTable, content: bytes, format: str, progress: Callable[[int], None]) -> LoadOutcome:
    """Validate the whole file and insert its rows; on any error the rows inserted are deleted again."""
    from frictionless import Detector, FrictionlessException, Resource

    outcome = LoadOutcome()
    extension = TABULAR_FORMATS[format.upper()]
    if extension == ".geojson":
        _load_geojson(table, content, outcome)
        return outcome
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"table{extension}"
        path.write_bytes(content)
        options = {"encoding": "utf-8-sig"} if extension == ".csv" else {}
        resource = Resource(str(path), detector=Detector(sample_size=500, field_confidence=0.9), **options)
        try:
            with resource:
                _read(table, resource, outcome, progress)
        except FrictionlessException as unreadable:
            outcome.add_error(None, "", unreadable.error.message)
        if outcome.error_count:
            DatastoreRow.objects.filter(table=table).delete()
            outcome.rows = 0
    return outcome


def insert_rows(batch: list[DatastoreRow]) -> None:
    """Write a chunk of rows: PostgreSQL's COPY (several times faster than INSERT), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        DatastoreRow.objects.bulk_create(batch)
        return
    sql = f"COPY {DatastoreRow._meta.db_table} (table_id, number, data, text) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in batch:
            copy.write_row((row.table_id, row.number, json.dumps(row.data, ensure_ascii=False), row.text))


def _read(table: DatastoreTable, resource, outcome: LoadOutcome, progress: Callable[[int], None]) -> None:
    names = [f.name for f in resource.schema.fields]
    types = {f.name: f.type for f in resource.schema.fields}
    outcome.fields = [{"id": f.name, "type": CKAN_TYPES.get(f.type, "text")} for f in resource.schema.fields]
    for error in resource.header.errors:
        outcome.add_error(1, getattr(error, "label", "") or "", error.message)
    if not names:
        outcome.add_error(1, "", _("The file has no columns."))
        return
    batch: list[DatastoreRow] = []
    for row in resource.row_stream:
        if row.errors:
            _cell_errors(row, outcome, types)
        if outcome.error_count:
            continue  # keep validating to report every error, but insert nothing more
        values = {name: _json_value(row[name]) for name in names}
        text = " ".join(str(v) for v in values.values() if v is not None).lower()
        outcome.rows += 1
        batch.append(DatastoreRow(table=table, number=outcome.rows, data=values, text=text))
        if len(batch) >= CHUNK_ROWS:
            insert_rows(batch)
            batch = []
            progress(outcome.rows)
    if batch and not outcome.error_count:
        insert_rows(batch)
    if outcome.rows == 0 and not outcome.error_count:
        outcome.add_error(2, "", _("The file has a header but no rows."))


def _scalar(value):
    return value if value is None or isinstance(value, bool | int | float | str) else json.dumps(value)[:1000]


def _inferred_type(values: list) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "numeric"
    if present and all(isinstance(v, bool) for v in present):
        return "bool"
    return "text"


def _load_geojson(table: DatastoreTable, content: bytes, outcome: LoadOutcome) -> None:
    """A GeoJSON FeatureCollection's point features as rows: their properties, then latitude and longitude."""
    try:
        collection = json.loads(content.decode("utf-8-sig"))
        features = collection["features"] if collection.get("type") == "FeatureCollection" else None
    except (ValueError, AttributeError, KeyError, TypeError):
        features = None
    if not isinstance(features, list):
        outcome.add_error(None, "", _("The file is not a GeoJSON FeatureCollection."))
        return
    records = []
    for feature in features:
        if not isinstance(feature, dict):
            continue
        geometry = feature.get("geometry") or {}
        coordinates = geometry.get("coordinates")
        if geometry.get("type") != "Point" or not isinstance(coordinates, list) or len(coordinates) < 2:
            continue  # lines and areas are kept in the file, not in the table
        properties = {k: _scalar(v) for k, v in ((feature.get("properties") or {}).items())}
        records.append({**properties, "latitude": coordinates[1], "longitude": coordinates[0]})
    if not records:
        outcome.add_error(None, "", _("The GeoJSON file has no point features to load."))
        return
    names = list(dict.fromkeys(name for record in records for name in record))
    outcome.fields = [{"id": n, "type": _inferred_type([r.get(n) for r in records])} for n in names]
    batch = []
    for number, record in enumerate(records, 1):
        values = {name: record.get(name) for name in names}
        text = " ".join(str(v) for v in values.values() if v is not None).lower()
        batch.append(DatastoreRow(table=table, number=number, data=values, text=text))
    for start in range(0, len(batch), CHUNK_ROWS):
        insert_rows(batch[start : start + CHUNK_ROWS])
    outcome.rows = len(records)


def finish_load(table: DatastoreTable, outcome: LoadOutcome) -> None:
    """Mark the table active (its rows all in) or invalid (none kept), in one write."""
    status = DatastoreTable.Status.INVALID if outcome.error_count else DatastoreTable.Status.ACTIVE
    with transaction.atomic():
        touch_dataset(table)
        DatastoreTable.objects.filter(pk=table.pk).update(
            status=status,
            fields=outcome.fields,
            row_count=outcome.rows,
            errors=outcome.errors,
            error_count=outcome.error_count,
            loaded_at=timezone.now() if status == DatastoreTable.Status.ACTIVE else None,
        )


def touch_dataset(table: DatastoreTable) -> None:
    """A table becoming (in)active changes its dataset's CKAN dict (`datastore_active`): its `modified_at` moves,
    as on any other change, so the catalogue stamp and the cached dicts keyed by it see it at once."""
    from plaza.data.models import Dataset, Resource

    dataset = Resource.objects.with_scopes_disabled().filter(pk=table.resource_id).values("dataset")
    Dataset.objects.with_scopes_disabled().filter(pk__in=dataset).update(modified_at=timezone.now())


# --- searching ----------------------------------------------------------------------------------


class DatastoreQueryError(ValueError):
    """A search parameter that cannot be applied: which parameter, and why."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter, self.message = parameter, message


@dataclass(frozen=True)
class DatastoreQuery:
    filters: dict = field(default_factory=dict)
    q: str | dict = ""
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (column, descending)
    limit: int = 100
    offset: int = 0
    fields: list[str] = field(default_factory=list)
    include_total: bool = True
    total_estimation_threshold: int | None = None  # CKAN's: an estimate this large or larger stands for the count


@dataclass(frozen=True)
class Total:
    count: int
    estimated: bool = False


def _coerce(value, ckan_type: str, column: str):
    if value is None:
        return None
    try:
        if ckan_type == "int":
            return int(value)
        if ckan_type == "numeric":
            number = Decimal(str(value))
            return _json_value(number)
        if ckan_type == "bool":
            return value if isinstance(value, bool) else str(value).lower() in {"true", "1", "yes"}
    except (ValueError, ArithmeticError):
        raise DatastoreQueryError(
            "filters", _("“%(value)s” is not a valid value for %(column)s.") % {"value": value, "column": column}
        ) from None
    return str(value)


def _filtered(rows: QuerySet, table: DatastoreTable, query: DatastoreQuery) -> QuerySet:
    types = {f["id"]: f["type"] for f in table.fields}
    for column, wanted in query.filters.items():
        if column == "_id":
            values = wanted if isinstance(wanted, list) else [wanted]
            rows = rows.filter(number__in=[_coerce(v, "int", column) for v in values])
            continue
        if column not in types:
            raise DatastoreQueryError("filters", _("No column is called “%(column)s”.") % {"column": column})
        values = [_coerce(v, types[column], column) for v in (wanted if isinstance(wanted, list) else [wanted])]
        rows = rows.filter(_equals(table, column, values))
    return rows


def _equals(table: DatastoreTable, column: str, values: list) -> Q:
    """Any of the values in the column: JSON containment on PostgreSQL (GIN index), the key's value elsewhere."""
    either = Q()
    for value in values:
        if connection.vendor == "postgresql":
            either |= Q(data__contains={column: value})
        else:
            # A key transform as an expression: any column name works, even one like a lookup ("contains").
            found = DatastoreRow.objects.filter(table=table).alias(v=KeyTransform(column, "data")).filter(v=value)
            either |= Q(pk__in=found.values("pk"))
    return either


def _searched(rows: QuerySet, table: DatastoreTable, q: str | dict) -> QuerySet:
    if isinstance(q, dict):
        for column, text in q.items():
            if column not in table.column_names():
                raise DatastoreQueryError("q", _("No column is called “%(column)s”.") % {"column": column})
            alias = f"t_{abs(hash(column))}"
            rows = rows.alias(**{alias: KeyTextTransform(column, "data")}).filter(**{f"{alias}__icontains": str(text)})
        return rows
    for word in str(q).lower().split()[:10]:
        rows = rows.filter(text__contains=word)
    return rows


def _ordered(rows: QuerySet, table: DatastoreTable, sort: list[tuple[str, bool]]) -> QuerySet:
    keys = []
    for column, descending in sort:
        if column == "_id":
            keys.append(F("number").desc() if descending else F("number").asc())
            continue
        if column not in table.column_names():
            raise DatastoreQueryError("sort", _("No column is called “%(column)s”.") % {"column": column})
        value = KeyTransform(column, "data")
        keys.append(value.desc(nulls_last=True) if descending else value.asc(nulls_last=True))
    return rows.order_by(*keys, "number")


TOTAL_CACHE_SECONDS = 3600


def _counted(table: DatastoreTable, query: DatastoreQuery, rows: QuerySet) -> Total:
    """The number of matching rows: counted once per table load and question, then kept; or, asked with a threshold
    (CKAN's `total_estimation_threshold`) on PostgreSQL, the planner's estimate when it reaches the threshold.

    Counting ~1,700 matches of 1,000,000 rows visits each match's page (~25 ms on PostgreSQL); the rows only
    change when the table is loaded again, and `loaded_at` (in the key) moves then: a kept total is never stale.
    A kept total is exact and as cheap as an estimate, so it is answered whatever the threshold.
    """
    asked = json.dumps([query.filters, query.q], sort_keys=True, default=str)
    digest = hashlib.sha256(asked.encode()).hexdigest()
    key = f"data:datastore-total:{table.pk}:{table.loaded_at.isoformat() if table.loaded_at else '-'}:{digest}"
    total = cache.get(key)
    if total is not None:
        return Total(total)
    if query.total_estimation_threshold is not None:
        planned = _planned_rows(rows)
        if planned is not None and planned >= query.total_estimation_threshold:  # CKAN's comparison
            return Total(planned, estimated=True)
    total = rows.count()
    cache.set(key, total, TOTAL_CACHE_SECONDS)
    return Total(total)


def _planned_rows(rows: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows matching (EXPLAIN's top plan node, planned, not run); None on SQLite,
    whose planner estimates no row counts."""
    if connection.vendor != "postgresql":
        return None
    sql, params = rows.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def search(table: DatastoreTable, query: DatastoreQuery) -> tuple[list[dict], Total | None, list[dict]]:
    """The page of records, the total matching (None unless asked) and the fields shown."""
    for column in query.fields:
        if column != "_id" and column not in table.column_names():
            raise DatastoreQueryError("fields", _("No column is called “%(column)s”.") % {"column": column})
    rows = DatastoreRow.objects.filter(table=table)
    rows = _filtered(rows, table, query)
    if query.q:
        rows = _searched(rows, table, query.q)
    narrowed = bool(query.filters or query.q)
    total = None
    if query.include_total:
        total = _counted(table, query, rows) if narrowed else Total(table.row_count)
    page = _ordered(rows, table, query.sort)[query.offset : query.offset + query.limit]
    shown = [f for f in table.fields if not query.fields or f["id"] in query.fields]
    records = []
    for number, data in page.values_list("number", "data"):
        record = {"_id": number} if not query.fields or "_id" in query.fields else {}
        record.update({f["id"]: data.get(f["id"]) for f in shown})
        records.append(record)
    fields = ([{"id": "_id", "type": "int"}] if not query.fields or "_id" in query.fields else []) + shown
    return records, total, fields
