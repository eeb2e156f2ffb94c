"""Demo content: Decide Madrid's proposals at every stage, with supports and a debate; one proposal elsewhere."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from plaza.core.models import CensusRecord, Person, SDGGoal, SDGTag, Verification
from plaza.core.search import fold, index_object
from plaza.proposals.models import Debate, Proposal, ProposalTag, Support
from plaza.proposals.operations import hot_score

S = Proposal.Status
MADRID_CATEGORIES = ["Movilidad", "Medio ambiente", "Vivienda", "Cultura", "Salud", "Espacio público"]
# (title, summary, category, tags, SDG goals, (lat, lon) or None, supports, status, days ago, on behalf of)
MADRID = [
    (
        "Madrid 100% sostenible",
        "Un plan para que toda la energía municipal sea renovable antes de 2030.",
        "Medio ambiente",
        ["energía", "clima"],
        [7, 13],
        None,
        12,
        S.THRESHOLD_REACHED,
        40,
        "",
    ),
    (
        "Billete único para el transporte público",
        "Un solo abono para metro, autobús y cercanías, más barato.",
        "Movilidad",
        ["transporte", "abono"],
        [11],
        None,
        9,
        S.PUBLISHED,
        30,
        "",
    ),
    (
        "Más carriles bici protegidos en la Castellana",
        "Carriles separados del tráfico de punta a punta.",
        "Movilidad",
        ["bici"],
        [11, 3],
        (40.4378, -3.6905),
        8,
        S.PUBLISHED,
        25,
        "Asociación Pedalibre",
    ),
    (
        "Huertos urbanos en solares vacíos",
        "Ceder los solares municipales sin uso a huertos vecinales.",
        "Medio ambiente",
        ["huertos", "barrio"],
        [2, 11],
        (40.3964, -3.7002),
        7,
        S.PUBLISHED,
        22,
        "",
    ),
    (
        "Fuentes de agua potable en todos los parques",
        "Al menos una fuente que funcione todo el año en cada parque.",
        "Salud",
        ["agua", "parques"],
        [6],
        (40.4153, -3.6845),
        6,
        S.PUBLISHED,
        20,
        "",
    ),
    (
        "Bibliotecas abiertas hasta medianoche en exámenes",
        "Horario ampliado en época de exámenes.",
        "Cultura",
        ["bibliotecas", "estudiantes"],
        [4],
        None,
        5,
        S.PUBLISHED,
        18,
        "",
    ),
    (
        "Alquiler asequible para jóvenes en vivienda municipal",
        "Reservar un cupo de vivienda pública para menores de 35.",
        "Vivienda",
        ["vivienda", "jóvenes"],
        [11, 1],
        None,
        5,
        S.PUBLISHED,
        15,
        "",
    ),
    (
        "Sombra en los patios de los colegios",
        "Toldos y árboles en los patios antes del próximo verano.",
        "Salud",
        ["colegios", "calor"],
        [3, 13],
        (40.4010, -3.7110),
        4,
        S.PUBLISHED,
        12,
        "AMPA Colegio Tirso de Molina",
    ),
    (
        "Peatonalizar el centro los domingos",
        "Calles del centro sin coches cada domingo.",
        "Espacio público",
        ["peatones"],
        [11],
        (40.4168, -3.7038),
        3,
        S.PUBLISHED,
        10,
        "",
    ),
    (
        "Contenedores de compost en cada calle",
        "Recogida de residuo orgánico puerta a puerta.",
        "Medio ambiente",
        ["residuos"],
        [12],
        None,
        2,
        S.PUBLISHED,
        8,
        "",
    ),
    (
        "Bancos y aseos públicos para personas mayores",
        "Más bancos y aseos accesibles en las rutas a pie.",
        "Espacio público",
        ["mayores", "accesibilidad"],
        [10],
        None,
        1,
        S.PUBLISHED,
        5,
        "",
    ),
    (
        "Wifi gratuito en los centros culturales",
        "Conexión abierta en todos los centros culturales municipales.",
        "Cultura",
        ["wifi"],
        [9],
        None,
        0,
        S.PUBLISHED,
        2,
        "",
    ),
    (
        "Autobús nocturno a los barrios del sur",
        "Más líneas de búho hacia Villaverde y Usera.",
        "Movilidad",
        ["autobús", "noche"],
        [11],
        (40.3470, -3.7120),
        3,
        S.ARCHIVED,
        300,
        "",
    ),
    (
        "Prohibir las terrazas en las aceras estrechas",
        "Retirar terrazas donde la acera mide menos de dos metros.",
        "Espacio público",
        ["aceras"],
        [11],
        None,
        1,
        S.WITHDRAWN,
        60,
        "",
    ),
    ("Compra estos seguidores baratos", "Publicidad sin relación con la ciudad.", "", [], [], None, 0, S.HIDDEN, 3, ""),
]
ELSEWHERE = [
    (
        "Shade trees on every school street",
        "Plant trees along the streets that lead to schools.",
        "Environment",
        ["trees"],
        [13],
        None,
        1,
        S.PUBLISHED,
        5,
        "",
    ),
]
HIDDEN_REASON = "Publicidad: no es una propuesta para la ciudad."


def seed(jurisdiction, process, component) -> None:
    madrid = jurisdiction.slug == "madrid"
    if madrid:
        component.settings.update(
            {"categories": MADRID_CATEGORIES, "threshold_mode": "absolute", "threshold_value": 10}
        )
        component.save(update_fields=["settings"])
    author = _demo_author(jurisdiction)
    persons = _supporters(jurisdiction)
    for row in MADRID if madrid else ELSEWHERE:
        _proposal(jurisdiction, component, author, persons, *row)
    if madrid:
        _debate(jurisdiction, component, author)


def _demo_author(jurisdiction):
    found = Verification.objects.filter(jurisdiction=jurisdiction).select_related("user").order_by("id").first()
    return found.user if found else None


def _supporters(jurisdiction) -> list[Person]:
    """Persons of the demo census (without accounts: they supported at a desk), the first one left free."""
    records = CensusRecord.objects.filter(jurisdiction=jurisdiction).order_by("id")[1:21]
    return [Person.objects.get_or_create(jurisdiction=jurisdiction, census_record=r)[0] for r in records]


def _proposal(
    jurisdiction,
    component,
    author,
    persons,
    title,
    summary,
    category,
    tags,
    goals,
    place,
    supports,
    status,
    days_ago,
    on_behalf_of,
) -> None:
    if Proposal.objects.filter(component=component, title=title).exists():
        return
    published = timezone.now() - timedelta(days=days_ago)
    proposal = Proposal.objects.create(
        jurisdiction=jurisdiction,
        component=component,
        author=author,
        title=title,
        folded_title=f" {fold(title)} ",
        summary=summary,
        body=f"{summary}\n\n*Propuesta de demostración.*",
        category=category,
        status=status,
        latitude=place[0] if place else None,
        longitude=place[1] if place else None,
        on_behalf_of=on_behalf_of,
        published_at=published,
        support_count=supports,
        hot_score=hot_score(supports, published),
        threshold_reached_at=published + timedelta(days=10) if status == S.THRESHOLD_REACHED else None,
        hidden_reason=HIDDEN_REASON if status == S.HIDDEN else "",
    )
    Support.objects.bulk_create(
        [
            Support(jurisdiction=jurisdiction, component=component, proposal=proposal, person=p)
            for p in persons[:supports]
        ]
    )
    ProposalTag.objects.bulk_create([ProposalTag(jurisdiction=jurisdiction, proposal=proposal, name=t) for t in tags])
    content_type = ContentType.objects.get_for_model(Proposal)
    SDGTag.objects.bulk_create(
        [
            SDGTag(jurisdiction=jurisdiction, content_type=content_type, object_id=proposal.pk, goal=g)
            for g in SDGGoal.objects.filter(number__in=goals)
        ]
    )
    index_object(proposal)


def _debate(jurisdiction, component, author) -> None:
    title = "¿Debería cerrarse al tráfico la Gran Vía?"
    if Debate.objects.filter(component=component, title=title).exists():
        return
    debate = Debate.objects.create(
        jurisdiction=jurisdiction,
        component=component,
        author=author,
        title=title,
        body="La Gran Vía soporta mucho tráfico y mucha gente a pie. ¿Peatonal, compartida o como está?",
    )
    index_object(debate)
