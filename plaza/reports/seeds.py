"""Demo civic reports: Seoul's Digital Civic Mayor's Office in full, a few in Johannesburg, categories elsewhere."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from plaza.core.demo import DEMO_PASSWORD
from plaza.core.geo import Point
from plaza.core.models import Role, RoleGrant, User
from plaza.reports import operations
from plaza.reports.models import Area, Category, Report, Status, Update
from plaza.reports.stats import rebuild_daily_stats

HISTORY_REPORTS = 400  # a year of past reports, so that the dashboard has a history

# (code, name, department, hours to acknowledge, hours to fix)
CATEGORIES = {
    "seoul": [
        ("pothole", "Pothole", "Road Management", 24, 168),
        ("streetlight", "Streetlight out", "Road Management", 48, 240),
        ("illegal-dumping", "Illegal dumping", "Clean Environment", 24, 72),
        ("graffiti", "Graffiti", "Clean Environment", 72, 336),
        ("illegal-parking", "Illegal parking", "Transportation", 2, 24),
    ],
    "johannesburg": [
        ("pothole", "Pothole", "Johannesburg Roads Agency", 48, 336),
        ("water-leak", "Water leak", "Johannesburg Water", 12, 72),
        ("streetlight", "Streetlight out", "City Power", 48, 240),
    ],
}
DEFAULT_CATEGORIES = [("pothole", "Pothole", "Public Works", 48, 336)]


def _box(west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


# Simplified district outlines around real Seoul coordinates ([lon, lat] boxes).
SEOUL_AREAS = [
    ("Jongno-gu", "11110", _box(126.950, 37.570, 127.020, 37.600)),
    ("Jung-gu", "11140", _box(126.960, 37.550, 127.020, 37.570)),
    ("Gangnam-gu", "11680", _box(127.010, 37.470, 127.090, 37.530)),
]

# (category, lat, lon, description, final status, close reason, days ago)
SEOUL_REPORTS = [
    ("pothole", 37.5759, 126.9769, "Deep pothole in front of Gwanghwamun Square's north crossing.", "open", "", 1),
    (
        "pothole",
        37.5704,
        126.9910,
        "Pothole near Jongno 3-ga station exit 15, cars swerve around it.",
        "acknowledged",
        "",
        3,
    ),
    ("pothole", 37.5663, 126.9779, "Broken asphalt on the road beside Seoul City Hall.", "in_progress", "", 6),
    ("pothole", 37.4979, 127.0276, "Pothole at Gangnam station crossroads, lane 2.", "fixed", "", 12),
    ("pothole", 37.5045, 127.0490, "Two potholes on Teheran-ro near Seolleung.", "closed", "duplicate", 9),
    ("streetlight", 37.5796, 126.9770, "Streetlight out on the path along Gyeongbokgung's east wall.", "open", "", 2),
    ("streetlight", 37.5636, 126.9827, "Three lamps out on Myeongdong 8-gil.", "in_progress", "", 8),
    ("streetlight", 37.5172, 127.0473, "Flickering streetlight at Samseong station bus stop.", "fixed", "", 20),
    ("streetlight", 37.5826, 126.9831, "Streetlight out in Bukchon Hanok Village alley.", "acknowledged", "", 4),
    ("illegal-dumping", 37.5714, 127.0097, "Furniture dumped at Dongdaemun market's back street.", "open", "", 0),
    ("illegal-dumping", 37.5600, 126.9941, "Bags of rubbish left by Cheonggyecheon stream stairs.", "fixed", "", 5),
    (
        "illegal-dumping",
        37.5110,
        127.0590,
        "Construction waste on the pavement near COEX.",
        "closed",
        "not_responsible",
        15,
    ),
    ("illegal-dumping", 37.5744, 126.9846, "Mattress dumped by Insadong-gil.", "in_progress", "", 3),
    ("graffiti", 37.5651, 127.0080, "Graffiti on the underpass at Euljiro 4-ga.", "open", "", 7),
    ("graffiti", 37.5270, 127.0280, "Tags sprayed on Sinsa-dong's Garosu-gil shutters.", "closed", "referred", 25),
    ("graffiti", 37.5585, 126.9746, "Graffiti on the wall by Seoul station's square.", "acknowledged", "", 10),
    ("illegal-parking", 37.5690, 126.9850, "Cars parked on the bike lane of Jong-ro every evening.", "open", "", 1),
    ("illegal-parking", 37.5000, 127.0360, "Truck blocking the crossing at Yeoksam station.", "fixed", "", 2),
    (
        "illegal-parking",
        37.5580,
        127.0050,
        "Cars parked in front of the fire hydrant on Toegye-ro.",
        "in_progress",
        "",
        4,
    ),
    ("illegal-parking", 37.5760, 127.0150, "Bus stop blocked by parked cars at Dongmyo.", "open", "", 0),
]
JOHANNESBURG_REPORTS = [
    ("pothole", -26.2044, 28.0456, "Large pothole on Commissioner Street at Rissik Street.", "open", "", 2),
    (
        "water-leak",
        -26.1929,
        28.0305,
        "Water running down the road at Braamfontein's Jorissen Street.",
        "acknowledged",
        "",
        1,
    ),
    ("streetlight", -26.1076, 28.0567, "Streetlights out along Rivonia Road in Sandton.", "fixed", "", 9),
]
STEPS = {
    "acknowledged": ["acknowledged"],
    "in_progress": ["acknowledged", "in_progress"],
    "fixed": ["acknowledged", "in_progress", "fixed"],
    "closed": ["closed"],
}
NOTES = {
    "acknowledged": "Thank you: the team has the report and will inspect the place.",
    "in_progress": "A crew is scheduled this week.",
    "fixed": "Repaired. Thank you for reporting it.",
    "closed": "Closed; see the reason above.",
}


def _account(email: str, name: str, jurisdiction) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, public_name=name, home_jurisdiction=jurisdiction
        )
    return user


def _official(jurisdiction, department: str) -> User:
    slug = department.lower().replace(" ", "-")
    user = _account(f"official.{slug}.{jurisdiction.slug}@demo.plaza", f"{department} team", jurisdiction)
    RoleGrant.objects.get_or_create(
        jurisdiction=jurisdiction, user=user, role=Role.OFFICIAL, process=None, defaults={"department": department}
    )
    return user


def _categories(jurisdiction) -> dict[str, Category]:
    found = {}
    for code, name, department, ack, fix in CATEGORIES.get(jurisdiction.slug, DEFAULT_CATEGORIES):
        found[code], _c = Category.objects.get_or_create(
            jurisdiction=jurisdiction,
            code=code,
            defaults={
                "name": name,
                "department": department,
                "acknowledge_hours": ack,
                "fix_hours": fix,
                "description": f"{name}: reported by residents, answered by {department}.",
            },
        )
        _official(jurisdiction, department)
    return found


def _report(jurisdiction, component, categories, reporter, row, now) -> Report:
    code, lat, lon, description, status, reason, days = row
    category = categories[code]
    report = operations.submit_report(
        actor=reporter,
        component=component,
        category=category,
        description=description,
        point=Point(lat, lon),
        is_anonymous=days % 3 == 0,
    )
    official = _official(jurisdiction, category.department)
    for step in STEPS.get(status, []):
        operations.change_status(
            actor=official,
            report=report,
            status=step,
            close_reason=reason if step == "closed" else "",
            note=NOTES[step],
        )
    _backdate(report, now - timedelta(days=days, hours=3), hours_between=2 + days % 5 * 7)
    return report


def _backdate(report: Report, created, *, hours_between: float) -> None:
    """Move a seeded report and its timeline into the past, one step every `hours_between` hours."""
    moments = {}
    for number, update in enumerate(Update.objects.filter(report=report).order_by("id")):
        moments[update.pk] = min(created + timedelta(hours=hours_between * number), timezone.now())
        Update.objects.filter(pk=update.pk).update(created_at=moments[update.pk])
    report.refresh_from_db()
    steps = sorted(moments.values())
    Report.objects.filter(pk=report.pk).update(
        created_at=created,
        acknowledged_at=steps[1] if report.acknowledged_at and len(steps) > 1 else None,
        fixed_at=steps[-1] if report.status == Status.FIXED else None,
        closed_at=steps[-1] if report.status == Status.CLOSED else None,
    )


def _point_in(geometry: dict, rng: random.Random) -> Point:
    ring = geometry["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return Point(round(rng.uniform(min(lats), max(lats)), 5), round(rng.uniform(min(lons), max(lons)), 5))


def _past_report(jurisdiction, component, category, area, rng, now) -> None:
    """One report of the past year with a believable history: most answered in time, some late, a few open."""
    age = rng.uniform(1, 360)
    created = now - timedelta(days=age)
    ack = created + timedelta(hours=category.acknowledge_hours * rng.uniform(0.1, 1.6))
    fix = ack + timedelta(hours=category.fix_hours * rng.uniform(0.1, 1.4))
    roll = rng.random()
    ending = "open" if roll < 0.06 else "acknowledged" if roll < 0.12 else "closed" if roll < 0.22 else "fixed"
    if fix > now and ending == "fixed":
        ending = "in_progress"
    point = _point_in(area.geometry, rng)
    report = Report.objects.create(
        jurisdiction=jurisdiction,
        component=component,
        category=category,
        area=area,
        department=category.department,
        description=f"{category.name} reported in {area.name}.",
        latitude=point.latitude,
        longitude=point.longitude,
        status=ending,
        close_reason="not_responsible" if ending == "closed" else "",
        acknowledged_at=ack if ending != "open" else None,
        fixed_at=fix if ending == "fixed" else None,
        closed_at=ack if ending == "closed" else None,
        is_anonymous=True,
    )
    steps = [("created", "", "open", created)]
    if ending != "open":
        steps.append(("status", "open", "closed" if ending == "closed" else "acknowledged", ack))
    if ending in ("in_progress", "fixed"):
        steps.append(("status", "acknowledged", "in_progress", ack + (fix - ack) / 3))
    if ending == "fixed":
        steps.append(("status", "in_progress", "fixed", fix))
    for kind, before, after, moment in steps:
        line = Update.objects.create(
            jurisdiction=jurisdiction, report=report, kind=kind, from_status=before, to_status=after
        )
        Update.objects.filter(pk=line.pk).update(created_at=moment)
    Report.objects.filter(pk=report.pk).update(created_at=created)


def _history(jurisdiction, component, categories, now) -> None:
    rng = random.Random(311)  # the same demo every time
    areas = list(Area.objects.filter(jurisdiction=jurisdiction))
    weighted = [c for c in categories.values() for _ in range(3 if c.code in ("pothole", "illegal-parking") else 1)]
    with transaction.atomic():
        for _ in range(HISTORY_REPORTS):
            _past_report(jurisdiction, component, rng.choice(weighted), rng.choice(areas), rng, now)


def _showcase_merge_and_reopen(jurisdiction, component, reports: list[Report], reporter) -> None:
    """A duplicate merged into its original, and a fix the reporter disputed: the workflow's other paths."""
    original = reports[0]  # the open pothole at Gwanghwamun
    neighbour = _account(f"neighbour.{jurisdiction.slug}@demo.plaza", "Neighbour at Gwanghwamun", jurisdiction)
    duplicate = operations.submit_report(
        actor=neighbour,
        component=component,
        category=original.category,
        description="Pothole by the Gwanghwamun crossing, a car tyre burst on it.",
        point=Point(original.latitude + 0.0002, original.longitude),
    )
    official = _official(jurisdiction, original.category.department)
    operations.merge_duplicate(actor=official, duplicate=duplicate, original=original, note="Same crossing.")
    fixed = Report.objects.get(pk=reports[3].pk)  # the fixed pothole at Gangnam station
    operations.reopen_report(actor=reporter, report=fixed, reason="The patch broke up again after the rain.")


def seed(jurisdiction, process, component) -> None:
    categories = _categories(jurisdiction)
    if jurisdiction.slug == "seoul":
        for name, code, geometry in SEOUL_AREAS:
            Area.objects.get_or_create(
                jurisdiction=jurisdiction, name=name, defaults={"code": code, "geometry": geometry}
            )
    rows = {"seoul": SEOUL_REPORTS, "johannesburg": JOHANNESBURG_REPORTS}.get(jurisdiction.slug, [])
    if not rows or Report.objects.filter(jurisdiction=jurisdiction).exists():
        return
    reporter = _account(f"resident.{jurisdiction.slug}@demo.plaza", f"Resident of {jurisdiction.name}", jurisdiction)
    now = timezone.now()
    reports = [_report(jurisdiction, component, categories, reporter, row, now) for row in rows]
    if jurisdiction.slug == "seoul":
        _showcase_merge_and_reopen(jurisdiction, component, reports, reporter)
        _history(jurisdiction, component, categories, now)
    rebuild_daily_stats(jurisdiction)  # the figures follow the backdated timelines
