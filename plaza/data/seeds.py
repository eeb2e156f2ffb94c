"""Demo content: Seoul's Open Data Plaza (datasets in several themes), Buenos Aires's health centres."""

import csv
import io
import random
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from plaza.core.models import Attachment, CensusRecord, Person
from plaza.core.search import index_object
from plaza.data import datastore
from plaza.data.models import (
    Dataset,
    DatasetRequest,
    DatasetRequestSupport,
    DatastoreTable,
    Organization,
    Resource,
)
from plaza.data.operations import DatasetFields, _write_dataset, record_version

SEOUL_ORGS = {
    "environment": ("Climate and Environment Headquarters", "Air quality, parks and climate."),
    "transport": ("Urban Transportation Office", "Subway, buses, bicycles and roads."),
    "citizen-health": ("Citizen Health Bureau", "Public health and clinics."),
    "digital": ("Digital Policy Office", "Open data, Wi-Fi and digital services."),
}
SEOUL_DISTRICTS = ["Jongno-gu", "Jung-gu", "Yongsan-gu", "Seongdong-gu", "Mapo-gu", "Gangnam-gu", "Songpa-gu"]
SUBWAY_STATIONS = ["Seoul Station", "City Hall", "Gangnam", "Hongik Univ.", "Jamsil", "Sindorim", "Konkuk Univ."]

# (name, title, organisation, themes, keywords, frequency, description, csv columns builder)
SEOUL_DATASETS = [
    (
        "air-quality-hourly",
        "Hourly air quality by district",
        "environment",
        ["ENVI", "HEAL"],
        ["air quality", "PM2.5", "PM10"],
        "DAILY",
        "Fine dust (PM10, PM2.5), ozone and nitrogen dioxide measured every hour at the city's 25 district stations.",
    ),
    (
        "subway-ridership",
        "Subway ridership by station and hour",
        "transport",
        ["TRAN"],
        ["subway", "ridership", "metro"],
        "MONTHLY",
        "Passengers boarding and alighting at each Seoul Metro station, by hour of the day.",
    ),
    (
        "ttareungyi-rentals",
        "Public bicycle (Ttareungyi) rentals",
        "transport",
        ["TRAN", "ENVI"],
        ["bicycle", "Ttareungyi", "mobility"],
        "MONTHLY",
        "Rentals and returns of Seoul's public bicycles per rental station.",
    ),
    (
        "bus-stops",
        "City bus stops",
        "transport",
        ["TRAN"],
        ["bus", "stops"],
        "ANNUAL",
        "Every city bus stop with its identifier, name and district.",
    ),
    (
        "urban-parks",
        "Urban parks",
        "environment",
        ["ENVI", "REGI"],
        ["parks", "green space"],
        "ANNUAL",
        "Parks managed by the city and districts, with their area in square metres.",
    ),
    (
        "public-wifi",
        "Public Wi-Fi access points",
        "digital",
        ["TECH", "GOVE"],
        ["wi-fi", "digital inclusion"],
        "QUARTERLY",
        "Free public Wi-Fi access points installed by the city, by district.",
    ),
    (
        "health-screening-centres",
        "Public health screening centres",
        "citizen-health",
        ["HEAL"],
        ["health", "clinics"],
        "ANNUAL",
        "District public health centres offering free screenings.",
    ),
    (
        "heatwave-shelters",
        "Heatwave shelters",
        "citizen-health",
        ["HEAL", "ENVI"],
        ["heatwave", "climate"],
        "ANNUAL",
        "Cooling centres open to residents during heatwave warnings.",
    ),
    (
        "noise-monitoring",
        "Environmental noise monitoring",
        "environment",
        ["ENVI"],
        ["noise"],
        "MONTHLY",
        "Daytime and night-time noise levels in decibels at monitoring points.",
    ),
    (
        "business-licences",
        "Business licences by district",
        "digital",
        ["ECON"],
        ["business", "licences", "restaurants"],
        "MONTHLY",
        "Restaurants, shops and services licensed by the districts, with their type and opening date.",
    ),
    (
        "public-libraries",
        "Public libraries and their loans",
        "digital",
        ["EDUC"],
        ["libraries", "books", "culture"],
        "MONTHLY",
        "The city's public and small neighbourhood libraries, their opening hours and monthly book loans.",
    ),
    (
        "senior-welfare-centres",
        "Senior welfare centres",
        "citizen-health",
        ["SOCI", "HEAL"],
        ["seniors", "welfare"],
        "ANNUAL",
        "Welfare centres and senior citizens' halls (gyeongrodang) with their capacity, by district.",
    ),
    (
        "building-energy-use",
        "Energy use of public buildings",
        "environment",
        ["ENER", "ENVI"],
        ["energy", "electricity", "gas"],
        "MONTHLY",
        "Monthly electricity and city gas use of the city's public buildings, in kWh and cubic metres.",
    ),
    (
        "cctv-locations",
        "Public safety CCTV locations",
        "digital",
        ["JUST"],
        ["CCTV", "safety"],
        "ANNUAL",
        "Locations and purposes of the districts' public safety cameras (crime prevention, traffic, parks).",
    ),
    (
        "open-data-usage",
        "Open Data Plaza usage",
        "digital",
        ["GOVE", "TECH"],
        ["open data", "statistics"],
        "MONTHLY",
        "Monthly downloads and API calls of the Open Data Plaza's datasets.",
    ),
]

BUENOS_AIRES_ORGS = {"salud": ("Ministerio de Salud", "Centros de salud y hospitales de la Ciudad.")}
BA_CENTRES = [
    ("CeSAC 1", "Vélez Sarsfield 1271", "Barracas", -34.6445, -58.3823),
    ("CeSAC 2", "Terrada 5850", "Villa Pueyrredón", -34.5832, -58.5050),
    ("CeSAC 9", "Irala 1254", "La Boca", -34.6344, -58.3638),
    ("CeSAC 15", "Humberto Primo 470", "San Telmo", -34.6201, -58.3712),
    ("CeSAC 33", "Avenida Córdoba 5656", "Palermo", -34.5870, -58.4380),
]


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _seoul_table(name: str, rng: random.Random) -> bytes:
    if name == "air-quality-hourly":
        rows = [
            [f"2026-01-01T{h:02d}:00", d, rng.randint(10, 90), rng.randint(5, 60)]
            for h in range(3)
            for d in SEOUL_DISTRICTS
        ]
        return _csv(["measured_at", "district", "pm10", "pm25"], rows)
    if name == "subway-ridership":
        rows = [[s, h, rng.randint(200, 9000), rng.randint(200, 9000)] for s in SUBWAY_STATIONS for h in (8, 18)]
        return _csv(["station", "hour", "boardings", "alightings"], rows)
    rows = [[i + 1, d, rng.randint(1, 400)] for i, d in enumerate(SEOUL_DISTRICTS)]
    return _csv(["id", "district", "value"], rows)


def _organizations(jurisdiction, specs: dict) -> dict[str, Organization]:
    found = {}
    for name, (title, description) in specs.items():
        found[name], _created = Organization.objects.get_or_create(
            jurisdiction=jurisdiction, name=name, defaults={"title": title, "description": description}
        )
    return found


def _attach_csv(dataset: Dataset, filename: str, content: bytes) -> Attachment:
    attachment = Attachment(
        jurisdiction=dataset.jurisdiction,
        content_type=ContentType.objects.get_for_model(dataset),
        object_id=dataset.pk,
        title=filename,
        original_name=filename,
        mime_type="text/csv",
        size=len(content),
    )
    attachment.file.save("upload.csv", ContentFile(content), save=False)
    attachment.save()
    return attachment


def _dataset(jurisdiction, fields: DatasetFields, resource_name: str, content: bytes) -> None:
    """One public dataset with one CSV file, unless it exists (the demo loads twice without change)."""
    if Dataset.objects.filter(jurisdiction=jurisdiction, name=fields.name).exists():
        return
    dataset = Dataset(jurisdiction=jurisdiction)
    _write_dataset(dataset, fields, None)
    attachment = _attach_csv(dataset, f"{fields.name}.csv", content)
    Resource.objects.create(
        jurisdiction=jurisdiction, dataset=dataset, name=resource_name, format="CSV", attachment=attachment
    )
    record_version(dataset, None)
    index_object(dataset)


def seed_seoul(jurisdiction) -> None:
    organizations = _organizations(jurisdiction, SEOUL_ORGS)
    rng = random.Random(2026)
    for name, title, org, themes, keywords, frequency, description in SEOUL_DATASETS:
        fields = DatasetFields(
            name=name, title=title, description=description, organization=organizations[org],
            licence_id="kogl-type1", contact_name="Seoul Open Data Plaza", contact_email="opendata@seoul.example",
            state=Dataset.State.PUBLIC, themes=themes, keywords=keywords, temporal_start=date(2025, 1, 1),
            spatial="Seoul", frequency=frequency,
        )  # fmt: skip
        _dataset(jurisdiction, fields, title, _seoul_table(name, rng))


def seed_buenos_aires(jurisdiction) -> None:
    salud = _organizations(jurisdiction, BUENOS_AIRES_ORGS)["salud"]
    rows = [[n, address, barrio, lat, lon] for n, address, barrio, lat, lon in BA_CENTRES]
    fields = DatasetFields(
        name="centros-de-salud", title="Centros de Salud y Acción Comunitaria (CeSAC)",
        description="Ubicación, dirección y barrio de los Centros de Salud y Acción Comunitaria de la Ciudad.",
        organization=salud, licence_id="cc-by-4.0", contact_name="Ministerio de Salud",
        contact_email="datos.salud@buenosaires.example", state=Dataset.State.PUBLIC, themes=["HEAL", "REGI"],
        keywords=["salud", "CeSAC", "atención primaria"], spatial="Ciudad Autónoma de Buenos Aires",
        frequency="ANNUAL",
    )  # fmt: skip
    _dataset(
        jurisdiction, fields, "Centros de salud (CSV)", _csv(["nombre", "direccion", "barrio", "lat", "lon"], rows)
    )


# Requests Seoul's residents might make (title, why, organisation, supports, status, answer, dataset answering it)
SEOUL_REQUESTS = [
    (
        "Real-time parking availability at public car parks",
        "Drivers circle for minutes looking for a space; an app could send them straight to a free one.",
        "transport",
        14,
        "planned",
        "The Urban Transportation Office plans to publish this in the second quarter.",
        "",
    ),
    (
        "Accessible toilets with opening hours",
        "Wheelchair users need to know where the nearest accessible public toilet is and whether it is open.",
        "citizen-health",
        11,
        "open",
        "",
        "",
    ),
    (
        "Street tree inventory by species",
        "To plan shade walks in summer and to follow the planting of new trees in each district.",
        "environment",
        8,
        "open",
        "",
        "",
    ),
    (
        "Noise complaints by neighbourhood",
        "Residents want to compare night-time noise complaints between neighbourhoods before moving.",
        "environment",
        6,
        "published",
        "The monitoring data is now public and updated monthly.",
        "noise-monitoring",
    ),
    (
        "Individual CCTV camera footage",
        "To check incidents in my street.",
        "digital",
        3,
        "declined",
        "Footage shows identifiable people and cannot be released as open data.",
        "",
    ),
    (
        "School meal menus and allergens",
        "Parents with allergic children would like menus as data rather than as PDF notices.",
        None,
        5,
        "open",
        "",
        "",
    ),
]


def _supporters(jurisdiction) -> list[Person]:
    """Persons of the demo census (supporting at a desk, without accounts)."""
    records = CensusRecord.objects.filter(jurisdiction=jurisdiction).order_by("id")[:20]
    return [Person.objects.get_or_create(jurisdiction=jurisdiction, census_record=r)[0] for r in records]


def seed_seoul_requests(jurisdiction, organizations: dict[str, Organization]) -> None:
    persons = _supporters(jurisdiction)
    for title, why, org, supports, status, answer, dataset_name in SEOUL_REQUESTS:
        if DatasetRequest.objects.filter(jurisdiction=jurisdiction, title=title).exists():
            continue
        dataset = Dataset.objects.filter(jurisdiction=jurisdiction, name=dataset_name).first() if dataset_name else None
        request = DatasetRequest.objects.create(
            jurisdiction=jurisdiction, title=title, description=why, organization=organizations.get(org),
            status=status, answer=answer, dataset=dataset, answered_at=timezone.now() if answer else None,
        )  # fmt: skip
        backers = persons[:supports]
        DatasetRequestSupport.objects.bulk_create(
            [DatasetRequestSupport(jurisdiction=jurisdiction, request=request, person=p) for p in backers]
        )
        DatasetRequest.objects.filter(pk=request.pk).update(support_count=len(backers))


def _load_tables(jurisdiction) -> None:
    """Load the seeded CSV files into the datastore at once (the demo has no worker to wait for)."""
    for resource in Resource.objects.filter(jurisdiction=jurisdiction, format="CSV", datastore__isnull=True):
        table = DatastoreTable.objects.create(jurisdiction=jurisdiction, resource=resource)
        with resource.attachment.file.open("rb") as stored:
            content = stored.read()
        datastore.finish_load(table, datastore.load_rows(table, content, "CSV", lambda rows: None))


def seed(jurisdiction, process, component) -> None:
    """Called by the demo loader for each process; the portal belongs to the jurisdiction, so seed it once."""
    if jurisdiction.slug == "seoul":
        seed_seoul(jurisdiction)
        seed_seoul_requests(jurisdiction, {o.name: o for o in Organization.objects.filter(jurisdiction=jurisdiction)})
    elif jurisdiction.slug == "buenos-aires":
        seed_buenos_aires(jurisdiction)
    _load_tables(jurisdiction)
