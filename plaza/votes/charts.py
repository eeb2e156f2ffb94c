"""Server-side bar charts of the turnout: SVG geometry computed here, drawn by votes/_chart.html (no script)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

LABEL_WIDTH = 170
BAR_WIDTH = 330
ROW_HEIGHT = 26


@dataclass
class Bar:
    label: str
    value: str  # as shown next to the bar and in the table
    y: int
    width: int
    value_x: int
    cells: list[str] = field(default_factory=list)  # the table row after the label


@dataclass
class Chart:
    key: str
    title: str
    columns: list[str]  # the table's column headings after the first
    bars: list[Bar]

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT + 4

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH


def _chart(key: str, title: str, columns: list[str], rows: list[tuple[str, Decimal | int, str, list[str]]]) -> Chart:
    top = max((value for _label, value, _shown, _cells in rows), default=0) or 1
    bars = [
        Bar(
            label=label,
            value=shown,
            y=n * ROW_HEIGHT + 2,
            width=int(BAR_WIDTH * value / top),
            value_x=LABEL_WIDTH + int(BAR_WIDTH * value / top) + 6,
            cells=cells,
        )
        for n, (label, value, shown, cells) in enumerate(rows)
    ]
    return Chart(key=key, title=title, columns=columns, bars=bars)


def _rate_rows(rows: list[dict], blank: str) -> list:
    return [
        (
            row["group"] or blank,
            Decimal(row["percent"]),
            f"{row['percent']} %",
            [str(row["voters"]), str(row["electorate"]), f"{row['percent']} %"],
        )
        for row in rows
    ]


def turnout_charts(turnout: dict) -> list[Chart]:
    """One chart a breakdown the turnout has: channel, district, age band, gender (if known) and over time."""
    rate_columns = [_("Voters"), _("On the census"), _("Turnout")]
    charts = [
        _chart(
            "channel",
            _("Voters by channel"),
            [_("Voters")],
            [(row["label"], row["voters"], str(row["voters"]), [str(row["voters"])]) for row in turnout["by_channel"]],
        ),
        _chart(
            "district",
            _("Turnout by district"),
            rate_columns,
            _rate_rows([{"group": r["district"], **r} for r in turnout["by_district"]], _("No district")),
        ),
        _chart("age", _("Turnout by age"), rate_columns, _rate_rows(turnout["by_age"], _("Age unknown"))),
    ]
    if turnout["by_gender"]:
        charts.append(
            _chart("gender", _("Turnout by gender"), rate_columns, _rate_rows(turnout["by_gender"], _("Not stated")))
        )
    over_time = turnout["over_time"]
    charts.append(
        _chart(
            "time",
            _("Voters per hour") if over_time["unit"] == "hour" else _("Voters per day"),
            [_("Voters")],
            [(row["label"], row["voters"], str(row["voters"]), [str(row["voters"])]) for row in over_time["rows"]],
        )
    )
    return charts
