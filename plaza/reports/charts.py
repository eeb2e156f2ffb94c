"""The dashboard's bar charts as geometry for server-drawn SVG: no JavaScript, each one followed by its table."""

from dataclasses import dataclass

WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP = 640, 180, 18, 8
COLUMN_HEIGHT, AXIS = 180, 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    series: int = 0
    late: bool = False
    target_x: float | None = None


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    labels: list[tuple[str, float, float]]  # text, x, y


def _scale(values: list[float]) -> float:
    top = max([v for v in values if v is not None] or [0])
    return top if top > 0 else 1


def horizontal(rows: list[dict], *, label: str, value: str, target: str | None = None) -> Chart:
    """One bar per row (e.g. hours to fix per category), with the promised value as a tick; late bars marked."""
    values = [r[value] or 0 for r in rows] + [r[target] or 0 for r in rows if target]
    top = _scale(values)
    room = WIDTH - LABEL_WIDTH - 10
    bars, labels = [], []
    for n, row in enumerate(rows):
        y = n * (BAR_HEIGHT + GAP)
        amount = row[value] or 0
        promised = row[target] if target else None
        bars.append(
            Bar(
                label=str(row[label]),
                value=amount,
                x=LABEL_WIDTH,
                y=y,
                width=round(room * amount / top, 1),
                height=BAR_HEIGHT,
                late=bool(promised and amount > promised),
                target_x=round(LABEL_WIDTH + room * promised / top, 1) if promised else None,
            )
        )
        labels.append((str(row[label])[:28], LABEL_WIDTH - 6, y + BAR_HEIGHT - 5))
    return Chart(bars=bars, width=WIDTH, height=max(1, len(rows) * (BAR_HEIGHT + GAP)), labels=labels)


def columns(rows: list[dict], *, label: str, series: tuple[str, ...]) -> Chart:
    """Side-by-side columns per period (e.g. reported and fixed per month)."""
    top = _scale([r[s] or 0 for r in rows for s in series])
    slot = (WIDTH - 10) / max(1, len(rows))
    width = max(2.0, (slot - 6) / len(series))
    bars, labels = [], []
    for n, row in enumerate(rows):
        for k, name in enumerate(series):
            height = round(COLUMN_HEIGHT * (row[name] or 0) / top, 1)
            x = round(5 + n * slot + k * width, 1)
            bars.append(
                Bar(
                    label=str(row[label]),
                    value=row[name] or 0,
                    x=x,
                    y=COLUMN_HEIGHT - height,
                    width=width,
                    height=height,
                    series=k,
                )
            )
        if len(rows) <= 13 or n % 4 == 0:  # weeks: one label a month stays readable
            labels.append((str(row[label]), round(5 + n * slot + slot / 2, 1), COLUMN_HEIGHT + 16))
    return Chart(bars=bars, width=WIDTH, height=COLUMN_HEIGHT + AXIS, labels=labels)
