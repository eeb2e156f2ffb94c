"""What a resource page shows of a loaded table: a page of rows, a bar or line chart (server-side SVG), a map."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.core.paginator import Page, Paginator
from django.db.models import Count, FloatField, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from plaza.core.geo import map_context
from plaza.data import datastore
from plaza.data.models import DatastoreRow, DatastoreTable

ROWS_PER_PAGE = 25
MAX_CATEGORIES = 40
MAX_PLACES = 1000
NUMERIC = {"int", "numeric"}
LATITUDE_NAMES = ("latitude", "lat", "latitud", "y_lat", "wgs84_lat", "위도")
LONGITUDE_NAMES = ("longitude", "lon", "lng", "long", "longitud", "x_lon", "wgs84_lon", "경도")


class _Rows:
    """The table's rows as a sequence the paginator can count and slice (one query per page)."""

    def __init__(self, table: DatastoreTable):
        self.table = table

    def count(self) -> int:
        return self.table.row_count

    def __len__(self) -> int:
        return self.table.row_count

    def __getitem__(self, window: slice) -> list[tuple[int, list]]:
        query = datastore.DatastoreQuery(limit=window.stop - window.start, offset=window.start, include_total=False)
        names = self.table.column_names()
        return [(r["_id"], [r.get(n) for n in names]) for r in datastore.search(self.table, query)[0]]


def preview_page(table: DatastoreTable, number) -> Page:
    return Paginator(_Rows(table), ROWS_PER_PAGE).get_page(number)


# --- charts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" or "line"
    x: str
    y: str  # "" counts rows
    data: list[tuple[str, float]]
    width: int = 640
    height: int = 320
    margin: int = 48

    @property
    def maximum(self) -> float:
        return max((v for _label, v in self.data), default=0) or 1

    def _scale(self, value: float) -> float:
        plot = self.height - 2 * self.margin
        return self.height - self.margin - plot * (value / self.maximum)

    @property
    def bars(self) -> list[Bar]:
        step = (self.width - 2 * self.margin) / max(1, len(self.data))
        return [
            Bar(
                x=round(self.margin + i * step + step * 0.1, 1),
                y=round(self._scale(max(0, v)), 1),
                width=round(step * 0.8, 1),
                height=round(self.height - self.margin - self._scale(max(0, v)), 1),
                label=label,
                value=v,
            )
            for i, (label, v) in enumerate(self.data)
        ]

    @property
    def line_points(self) -> str:
        return " ".join(f"{b.x + b.width / 2:.1f},{b.y:.1f}" for b in self.bars)

    @property
    def baseline(self) -> int:
        return self.height - self.margin


def chart_columns(table: DatastoreTable) -> tuple[list[str], list[str]]:
    """Columns one may chart over (any) and numeric columns one may sum."""
    return table.column_names(), [f["id"] for f in table.fields if f["type"] in NUMERIC]


def build_chart(table: DatastoreTable, kind: str, x: str, y: str) -> Chart | None:
    """Rows grouped by column x (first MAX_CATEGORIES values in order), counting rows or summing column y."""
    columns, numeric = chart_columns(table)
    if kind not in {"bar", "line"} or x not in columns or (y and y not in numeric):
        return None
    rows = DatastoreRow.objects.filter(table=table).annotate(category=KeyTextTransform(x, "data"))
    rows = rows.values("category")
    if y:
        rows = rows.annotate(value=Sum(Cast(KeyTextTransform(y, "data"), FloatField())))
    else:
        rows = rows.annotate(value=Count("pk"))
    data = [
        (str(r["category"]) if r["category"] is not None else "—", float(r["value"] or 0))
        for r in rows.order_by("category")[:MAX_CATEGORIES]
    ]
    return Chart(kind=kind, x=x, y=y, data=data)


# --- maps ---------------------------------------------------------------------------------------


def _column(table: DatastoreTable, names: tuple[str, ...]) -> str | None:
    for f in table.fields:
        if f["id"].strip().casefold() in names and f["type"] in NUMERIC:
            return f["id"]
    return None


def coordinate_columns(table: DatastoreTable) -> tuple[str, str] | None:
    latitude, longitude = _column(table, LATITUDE_NAMES), _column(table, LONGITUDE_NAMES)
    return (latitude, longitude) if latitude and longitude else None


def table_map(table: DatastoreTable) -> dict | None:
    """The map include's context for a table with latitude and longitude columns (first MAX_PLACES rows)."""
    found = coordinate_columns(table)
    if not table.is_active or found is None:
        return None
    latitude, longitude = found
    label = next((f["id"] for f in table.fields if f["type"] not in NUMERIC), None)
    places = []
    for number, data in (
        DatastoreRow.objects.filter(table=table).order_by("number").values_list("number", "data")[:MAX_PLACES]
    ):
        lat, lon = data.get(latitude), data.get(longitude)
        if isinstance(lat, int | float) and isinstance(lon, int | float) and -90 <= lat <= 90 and -180 <= lon <= 180:
            name = str(data.get(label) or f"#{number}") if label else f"#{number}"
            places.append(SimpleNamespace(name=name, latitude=lat, longitude=lon, url=""))
    return map_context(places, map_id=f"table-map-{table.pk}", name="name", url="url") if places else None
