"""Demo content: Decide Madrid's proposals at every stage, with supports and a debate; Paris's climate-plan
proposals (citizens' and experts') with the city's synthesis; one proposal elsewhere."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from plaza.core.models import CensusRecord, Person, SDGGoal, SDGTag, Verification
from plaza.core.search import fold, index_object
from plaza.proposals.models import Debate, Proposal, ProposalTag, Support, Synthesis, SynthesisEntry, SynthesisGroup
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
# A duplicate a moderator merged into the Castellana bike lanes proposal, and a draft only its author sees.
MADRID_MERGED = ("Carril bici en el Paseo de la Castellana", "Lo mismo: un carril bici en la Castellana.", "Movilidad")
MADRID_DRAFT = ("Bancos a la sombra en las paradas de autobús", "Bancos y toldos en las paradas más soleadas.")
# Held for a moderator: it looked like spam when its author published it.
MADRID_HELD = (
    "Descuentos en bicicletas eléctricas",
    "Visita https://ofertas.example, https://bici.example, https://promo.example y https://mas.example",
)
PARIS_CATEGORIES = ["Énergie", "Mobilité", "Alimentation", "Adaptation", "Bâtiments"]
# Paris's climate plan took 280 citizen and 300 expert proposals; a sample of both, answered in a synthesis.
PARIS = [
    (
        "Des cours d'école oasis",
        "Transformer les cours d'école en îlots de fraîcheur ouverts au quartier.",
        "Adaptation",
        ["chaleur"],
        [11, 13],
        (48.8530, 2.3499),
        14,
        S.PUBLISHED,
        60,
        "",
    ),
    (
        "Planter 170 000 arbres",
        "Planter des arbres dans les rues, les parcs et les bois d'ici 2026.",
        "Adaptation",
        ["arbres"],
        [13, 15],
        None,
        11,
        S.PUBLISHED,
        58,
        "",
    ),
    (
        "Rénover les logements sociaux",
        "Isoler 40 000 logements sociaux pour réduire leur consommation.",
        "Bâtiments",
        ["rénovation"],
        [7, 11],
        None,
        9,
        S.PUBLISHED,
        55,
        "Collectif Isolons Paris",
    ),
    (
        "Des panneaux solaires sur les toits publics",
        "Couvrir les toits des bâtiments municipaux de panneaux solaires.",
        "Énergie",
        ["solaire"],
        [7],
        None,
        8,
        S.PUBLISHED,
        54,
        "",
    ),
    (
        "Une cantine bio et locale",
        "Servir 100 % de produits bio et locaux dans les cantines scolaires.",
        "Alimentation",
        ["cantine"],
        [2, 12],
        None,
        7,
        S.PUBLISHED,
        50,
        "",
    ),
    (
        "Pistes cyclables sur tous les grands axes",
        "Un réseau express vélo continu entre les portes de Paris.",
        "Mobilité",
        ["vélo"],
        [11],
        (48.8606, 2.3376),
        10,
        S.PUBLISHED,
        49,
        "",
    ),
    (
        "Réseau de chaleur renouvelable",
        "Alimenter le chauffage urbain à 75 % d'énergies renouvelables.",
        "Énergie",
        ["chaleur"],
        [7, 13],
        None,
        3,
        S.PUBLISHED,
        45,
        "Agence parisienne du climat",
    ),
    (
        "Zone à trafic limité au centre",
        "Réserver le centre aux piétons, vélos, transports et riverains.",
        "Mobilité",
        ["trafic"],
        [3, 11],
        None,
        6,
        S.PUBLISHED,
        44,
        "",
    ),
]
PARIS_EXPERT = {"Réseau de chaleur renouvelable", "Rénover les logements sociaux"}
PARIS_SYNTHESIS = (
    "Synthèse des propositions pour le Plan Climat",
    "La Ville a lu les 580 propositions des Parisiennes et des Parisiens et des experts. "
    "Voici ce qu'elle en retient, thème par thème.",
    [
        (
            "Adapter la ville à la chaleur",
            "Les cours oasis et les plantations d'arbres entrent dans le Plan Climat : "
            "**170 000 arbres** d'ici 2026 et toutes les cours d'école d'ici 2030.",
            ["Des cours d'école oasis", "Planter 170 000 arbres"],
        ),
        (
            "Énergie et bâtiments",
            "La rénovation des logements sociaux et le solaire sur les toits publics sont retenus ; "
            "le réseau de chaleur vise 75 % de renouvelables.",
            [
                "Rénover les logements sociaux",
                "Des panneaux solaires sur les toits publics",
                "Réseau de chaleur renouvelable",
            ],
        ),
        (
            "Se déplacer sans carbone",
            "Le Plan Vélo est prolongé et une zone apaisée couvrira le centre ; les pistes suivent les grands axes.",
            ["Pistes cyclables sur tous les grands axes", "Zone à trafic limité au centre"],
        ),
        (
            "Bien manger",
            "Les cantines servent déjà 50 % de produits durables ; l'objectif passe à 100 % d'ici 2027.",
            ["Une cantine bio et locale"],
        ),
    ],
)
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
DEMO_NOTE = {"madrid": "Propuesta de demostración.", "paris": "Proposition de démonstration."}
HIDDEN_REASON = "Publicidad: no es una propuesta para la ciudad."


def seed(jurisdiction, process, component) -> None:
    slug = jurisdiction.slug
    if slug in ("madrid", "paris"):
        categories = MADRID_CATEGORIES if slug == "madrid" else PARIS_CATEGORIES
        component.settings.update({"categories": categories, "threshold_mode": "absolute", "threshold_value": 10})
        component.save(update_fields=["settings"])
    author = _demo_author(jurisdiction)
    persons = _supporters(jurisdiction)
    for row in {"madrid": MADRID, "paris": PARIS}.get(slug, ELSEWHERE):
        _proposal(jurisdiction, component, author, persons, *row)
    if slug == "madrid":
        _merged_and_draft(jurisdiction, component, author)
        _debate(jurisdiction, component, author)
    if slug == "paris":
        Proposal.objects.filter(component=component, title__in=PARIS_EXPERT).update(is_expert=True)
        _synthesis(jurisdiction, process, component)


def _merged_and_draft(jurisdiction, component, author) -> None:
    """The last two stages: a duplicate merged into the proposal kept, and an unpublished draft."""
    kept = Proposal.objects.filter(component=component, title__startswith="Más carriles bici").first()
    title, summary, category = MADRID_MERGED
    if kept and not Proposal.objects.filter(component=component, title=title).exists():
        Proposal.objects.create(
            jurisdiction=jurisdiction,
            component=component,
            author=author,
            title=title,
            folded_title=f" {fold(title)} ",
            summary=summary,
            body=summary,
            category=category,
            status=S.MERGED,
            merged_into=kept,
            published_at=timezone.now() - timedelta(days=24),
        )
    for (title, summary), status, held in (
        (MADRID_DRAFT, S.DRAFT, ""),
        (MADRID_HELD, S.HELD, "muchos enlaces"),
    ):
        if author and not Proposal.objects.filter(component=component, title=title).exists():
            Proposal.objects.create(
                jurisdiction=jurisdiction,
                component=component,
                author=author,
                title=title,
                folded_title=f" {fold(title)} ",
                summary=summary,
                body=summary,
                status=status,
                held_reason=held,
            )


def _synthesis(jurisdiction, process, component) -> None:
    title, introduction, groups = PARIS_SYNTHESIS
    if Synthesis.objects.filter(component=component, title=title).exists():
        return
    synthesis = Synthesis.objects.create(
        jurisdiction=jurisdiction,
        component=component,
        phase=process.phases.order_by("position").first(),
        title=title,
        introduction=introduction,
        published_at=timezone.now() - timedelta(days=10),
    )
    by_title = dict(Proposal.objects.filter(component=component).values_list("title", "pk"))
    for position, (group_title, answer, titles) in enumerate(groups, start=1):
        group = SynthesisGroup.objects.create(
            jurisdiction=jurisdiction, synthesis=synthesis, position=position, title=group_title, answer=answer
        )
        SynthesisEntry.objects.bulk_create(
            [
                SynthesisEntry(jurisdiction=jurisdiction, synthesis=synthesis, group=group, proposal_id=by_title[t])
                for t in titles
            ]
        )


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
        body=f"{summary}\n\n*{DEMO_NOTE.get(jurisdiction.slug, 'Demo proposal.')}*",
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
