"""The demo network `make demo` loads: OGP Local and the seed cases' jurisdictions.

Idempotent: every row is found by its natural key first, so a second run changes nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import phonenumbers
from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from plaza.core.census import document_hash, match_hash
from plaza.core.components import registry, resolve
from plaza.core.models import (
    CensusRecord,
    ComponentInstance,
    ComponentStep,
    Jurisdiction,
    Person,
    Phase,
    PhaseAction,
    Process,
    Role,
    RoleGrant,
    User,
    Verification,
)
from plaza.core.sdg import load_sdg_taxonomy
from plaza.core.sms import normalise_phone
from plaza.core.tenancy import jurisdiction_scope

DEMO_PASSWORD = "plaza-demo-2026"  # noqa: S105 - published demo credential, never used in production


@dataclass(frozen=True)
class DemoJurisdiction:
    slug: str
    name: str
    kind: str
    parent: str | None
    languages: tuple[str, ...]
    time_zone: str
    description: str = ""
    process: tuple[str, str, str] | None = None  # slug, title, description


K = Jurisdiction.Kind
NETWORK = [
    DemoJurisdiction(
        "ogp-local",
        "OGP Local",
        K.NETWORK,
        None,
        ("en", "es", "fr", "pt"),
        "UTC",
        "The Open Government Partnership's local programme.",
    ),
    DemoJurisdiction("france", "France", K.COUNTRY, "ogp-local", ("fr", "en"), "Europe/Paris"),
    DemoJurisdiction("spain", "España", K.COUNTRY, "ogp-local", ("es", "en"), "Europe/Madrid"),
    DemoJurisdiction("south-korea", "South Korea", K.COUNTRY, "ogp-local", ("en",), "Asia/Seoul"),
    DemoJurisdiction("argentina", "Argentina", K.COUNTRY, "ogp-local", ("es", "en"), "America/Argentina/Buenos_Aires"),
    DemoJurisdiction("colombia", "Colombia", K.COUNTRY, "ogp-local", ("es", "en"), "America/Bogota"),
    DemoJurisdiction("south-africa", "South Africa", K.COUNTRY, "ogp-local", ("en", "pt"), "Africa/Johannesburg"),
    DemoJurisdiction(
        "gauteng",
        "Gauteng",
        K.PROVINCE,
        "south-africa",
        ("en",),
        "Africa/Johannesburg",
        "The province around Johannesburg and Tshwane.",
        (
            "gauteng-open-data",
            "Gauteng open data standards",
            "Common data standards across the province's municipalities.",
        ),
    ),
    DemoJurisdiction(
        "paris",
        "Paris",
        K.CITY,
        "france",
        ("fr", "en", "es", "pt"),
        "Europe/Paris",
        "Ville de Paris: a co-created Climate Action Plan and a EUR 100m participatory budget.",
        (
            "climate-plan",
            "Paris Climate Action Plan",
            "Residents, experts and associations co-create the plan; a binding votation approves it.",
        ),
    ),
    DemoJurisdiction(
        "madrid",
        "Madrid",
        K.CITY,
        "spain",
        ("es", "en"),
        "Europe/Madrid",
        "Decide Madrid: residents propose, support and decide.",
        ("decide-madrid", "Decide Madrid", "Citizen proposals that reach 1% of the census go to a binding vote."),
    ),
    DemoJurisdiction(
        "seoul",
        "Seoul",
        K.CITY,
        "south-korea",
        ("en",),
        "Asia/Seoul",
        "Seoul Metropolitan Government's Open Data Plaza and Digital Civic Mayor's Office.",
        ("open-data-choices", "Choose the next open datasets", "Residents vote on which datasets Seoul opens next."),
    ),
    DemoJurisdiction(
        "buenos-aires",
        "Buenos Aires",
        K.CITY,
        "argentina",
        ("es", "en"),
        "America/Argentina/Buenos_Aires",
        "Ciudad de Buenos Aires: open health services data and a co-created action plan.",
        (
            "action-plan",
            "Open government action plan",
            "Roundtables with civil society co-create the city's commitments.",
        ),
    ),
    DemoJurisdiction(
        "bogota",
        "Bogotá",
        K.CITY,
        "colombia",
        ("es", "en"),
        "America/Bogota",
        "Bogotá's attention model for the informal economy.",
        (
            "informal-economy",
            "Informal economy attention model",
            "Institutions and vendors design a traceable, integral support route.",
        ),
    ),
    DemoJurisdiction(
        "johannesburg",
        "Johannesburg",
        K.CITY,
        "gauteng",
        ("en", "pt"),
        "Africa/Johannesburg",
        "Mapping informal transit to improve public transport.",
        (
            "transit-mapping",
            "Mapping minibus taxi routes",
            "Data collectors map routes, stops and fares, published as open GTFS.",
        ),
    ),
    DemoJurisdiction(
        "tshwane",
        "Tshwane",
        K.CITY,
        "gauteng",
        ("en",),
        "Africa/Johannesburg",
        "City of Tshwane.",
        ("ward-budget", "Ward participatory budget", "Residents propose and choose ward projects."),
    ),
]

# Where each demo jurisdiction is (its seat or centre), for the maps.
COORDINATES = {
    "france": (46.2276, 2.2137),
    "spain": (40.4637, -3.7492),
    "south-korea": (35.9078, 127.7669),
    "argentina": (-38.4161, -63.6167),
    "colombia": (4.5709, -74.2973),
    "south-africa": (-30.5595, 22.9375),
    "gauteng": (-26.2708, 28.1123),
    "paris": (48.8566, 2.3522),
    "madrid": (40.4168, -3.7038),
    "seoul": (37.5665, 126.9780),
    "buenos-aires": (-34.6037, -58.3816),
    "bogota": (4.7110, -74.0721),
    "johannesburg": (-26.2041, 28.0473),
    "tshwane": (-25.7479, 28.2293),
}
# Each demo jurisdiction's country (ISO 3166): how national phone numbers on its census are read.
COUNTRIES = {
    "france": "FR",
    "paris": "FR",
    "spain": "ES",
    "madrid": "ES",
    "south-korea": "KR",
    "seoul": "KR",
    "argentina": "AR",
    "buenos-aires": "AR",
    "colombia": "CO",
    "bogota": "CO",
    "south-africa": "ZA",
    "gauteng": "ZA",
    "johannesburg": "ZA",
    "tshwane": "ZA",
}
# The goals the demo processes are tagged with (slug of the jurisdiction -> goal numbers).
SDG_TAGS = {"paris": [13], "seoul": [11]}

PHASES = (
    ("Information", -60, -30, [PhaseAction.COMMENT]),
    ("Proposals and debate", -30, 30, [PhaseAction.PROPOSE, PhaseAction.SUPPORT, PhaseAction.COMMENT]),
    ("Decision", 30, 60, [PhaseAction.VOTE, PhaseAction.COMMENT]),
)


def _user(email: str, public_name: str, *, superuser: bool = False, home=None) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            public_name=public_name,
            is_superuser=superuser,
            is_staff=superuser,
            home_jurisdiction=home,
        )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _grant(jurisdiction: Jurisdiction, user: User, role: str, granted_by: User | None = None) -> None:
    RoleGrant.objects.get_or_create(
        jurisdiction=jurisdiction, user=user, role=role, process=None, defaults={"granted_by": granted_by}
    )


def _census(jurisdiction: Jurisdiction, prefix: str, count: int = 40) -> list[CensusRecord]:
    records = []
    for n in range(1, count + 1):
        doc = f"{prefix}{n:04d}"
        born = date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
        postal = f"{10000 + n}"
        record, _created = CensusRecord.objects.get_or_create(
            jurisdiction=jurisdiction,
            document_hash=document_hash(jurisdiction.pk, doc),
            defaults={
                "match_hash": match_hash(jurisdiction.pk, doc, born, postal),
                "birth_year": born.year,
                "district": f"District {1 + n % 5}",
                "gender": ("female", "male", "other")[n % 3],
                "phone": _demo_mobile(jurisdiction.country, n) if n % 2 else "",
            },
        )
        records.append(record)
    return records


def _process(jurisdiction: Jurisdiction, slug: str, title: str, description: str) -> Process:
    today = timezone.localdate()
    process, created = Process.objects.get_or_create(
        jurisdiction=jurisdiction,
        slug=slug,
        defaults={
            "title": title,
            "description": description,
            "is_published": True,
            "start_date": today + timedelta(days=PHASES[0][1]),
            "end_date": today + timedelta(days=PHASES[-1][2]),
        },
    )
    if not created:
        return process
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    phases = [
        Phase.objects.create(
            jurisdiction=jurisdiction,
            process=process,
            position=i,
            title=name,
            starts_at=now + timedelta(days=start),
            ends_at=now + timedelta(days=end),
        )
        for i, (name, start, end, _actions) in enumerate(PHASES, start=1)
    ]
    for manifest in registry:
        if not manifest.seeds:
            continue
        component = ComponentInstance.objects.create(
            jurisdiction=jurisdiction,
            process=process,
            manifest_name=manifest.name,
            slug=manifest.name,
            title=str(manifest.demo_title or manifest.label),
            settings=dict(manifest.default_settings),
        )
        for phase, (_n, _s, _e, actions) in zip(phases, PHASES, strict=True):
            ComponentStep.objects.create(
                jurisdiction=jurisdiction, phase=phase, component=component, enabled=True, actions=list(actions)
            )
        resolve(manifest.seeds)(jurisdiction, process, component)
    return process


def _seed_links(processes: list[Process]) -> None:
    """Each manifest's `seed_links` hook, once every app's seeds have run in every demo process."""
    linkers = [m for m in registry if m.seeds and m.seed_links]
    for process in processes:
        with jurisdiction_scope(process.jurisdiction):
            components = ComponentInstance.objects.filter(process=process).order_by("pk")
            for manifest in linkers:
                for component in components:
                    if component.manifest_name == manifest.name:
                        resolve(manifest.seed_links)(process.jurisdiction, process, component)


def _locate(by_slug: dict[str, Jurisdiction]) -> None:
    for slug, (latitude, longitude) in COORDINATES.items():
        jurisdiction = by_slug[slug]
        if jurisdiction.latitude is None:
            jurisdiction.latitude, jurisdiction.longitude = latitude, longitude
            jurisdiction.save(update_fields=["latitude", "longitude"])
    for slug, country in COUNTRIES.items():
        if not by_slug[slug].country:
            by_slug[slug].country = country
            by_slug[slug].save(update_fields=["country"])


def _demo_mobile(country: str, n: int) -> str:
    """A valid-looking mobile number of the country for demo person n (the demo prints texts, never sends them)."""
    example = phonenumbers.example_number_for_type(country or None, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        return ""
    national = str(example.national_number)
    try:
        return normalise_phone(f"{national[:-2]}{n % 100:02d}", country)
    except ValueError:
        return ""


GAZETTEER_DIR = Path(__file__).resolve().parent / "data" / "gazetteer"


def _gazetteer(jurisdiction: Jurisdiction, admin: User) -> None:
    """Real street addresses (approximate points) so that the demo's typed addresses are found."""
    from plaza.core.operations.gazetteer import import_gazetteer
    from plaza.core.queries.gazetteer import entries

    source = GAZETTEER_DIR / f"{jurisdiction.slug}.csv"
    if source.exists() and not entries(jurisdiction).exists():
        with source.open("rb") as stream:
            import_gazetteer(actor=admin, jurisdiction=jurisdiction, file_name=source.name, stream=stream)


def _tag_sdg(admin: User, process: Process, goals: list[int] | None) -> None:
    from plaza.core.operations.sdg import set_sdg_tags
    from plaza.core.queries.sdg import tags_of

    if goals and not tags_of(process):
        set_sdg_tags(actor=admin, content=process, goals=goals)


@transaction.atomic
def load_demo_network() -> list[tuple[str, str]]:
    """Create (or find) the demo network; returns the demo logins as (e-mail, what they can do)."""
    load_sdg_taxonomy()  # the migration loads it; a flushed database gets it back here
    by_slug: dict[str, Jurisdiction] = {}
    for spec in NETWORK:
        jurisdiction, _created = Jurisdiction.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "parent": by_slug.get(spec.parent),
                "languages": list(spec.languages),
                "default_language": spec.languages[0],
                "time_zone": spec.time_zone,
                "description": spec.description,
            },
        )
        by_slug[spec.slug] = jurisdiction
    _locate(by_slug)
    network = by_slug["ogp-local"]
    staff = _user("staff@demo.plaza", "OGP Local staff", superuser=False, home=network)
    with jurisdiction_scope(network):
        _grant(network, staff, Role.NETWORK_STAFF)
    logins = [("staff@demo.plaza", "network staff"), ("root@demo.plaza", "superuser")]
    _user("root@demo.plaza", "Plaza operator", superuser=True)
    processes = []
    for spec in NETWORK:
        if spec.process is None:
            continue
        j = by_slug[spec.slug]
        with jurisdiction_scope(j):
            admin = _user(f"admin.{spec.slug}@demo.plaza", f"{spec.name} admin", home=j)
            moderator = _user(f"moderator.{spec.slug}@demo.plaza", f"{spec.name} moderator", home=j)
            officer = _user(f"officer.{spec.slug}@demo.plaza", f"{spec.name} poll officer", home=j)
            _grant(j, admin, Role.ADMIN, staff)
            _grant(j, moderator, Role.MODERATOR, admin)
            _grant(j, officer, Role.POLL_OFFICER, admin)
            _gazetteer(j, admin)
            records = _census(j, spec.slug[:3].upper())
            verified = _user(f"resident.{spec.slug}@demo.plaza", f"Resident of {spec.name}", home=j)
            person, _c = Person.objects.get_or_create(jurisdiction=j, census_record=records[0])
            Verification.objects.get_or_create(
                jurisdiction=j, user=verified, defaults={"person": person, "level": Verification.Level.VERIFIED}
            )
            _user(f"newcomer.{spec.slug}@demo.plaza", "", home=j)
            process = _process(j, *spec.process)
            processes.append(process)
            _tag_sdg(admin, process, SDG_TAGS.get(spec.slug))
        logins += [
            (f"admin.{spec.slug}@demo.plaza", f"{spec.name} admin"),
            (f"resident.{spec.slug}@demo.plaza", f"verified resident of {spec.name}"),
        ]
    _seed_links(processes)
    return logins
