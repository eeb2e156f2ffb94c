# ruff: noqa: E501  (demo prose: long lines read better than split sentences)
"""The demo's action plans as data: Buenos Aires (OGP subnational pilot, 2016), Paris (climate), Madrid.

Buenos Aires co-created its first plan in 27 roundtables with 21 civil society organisations and
16 government areas, and committed to 5 commitments; the figures below reproduce that record.
"""

from datetime import date, timedelta

from django.utils import timezone

AI, CP, PA, TI = "access_to_information", "civic_participation", "public_accountability", "technology_and_innovation"
GOV, CSO = "government", "civil_society"

BA_ORGANISATIONS = [
    "Fundación Huésped",
    "ACIJ",
    "Poder Ciudadano",
    "Directorio Legislativo",
    "Fundación Conocimiento Abierto",
    "CIPPEC",
    "Wingu",
    "Democracia en Red",
    "Chequeado",
    "ADC",
    "Fundación Sur",
    "Red de Mujeres Jóvenes",
    "Bicicleteros Urbanos",
    "Observatorio de Movilidad",
    "Educación para Todos",
    "Padres Organizados",
    "Fundación Cambio Democrático",
    "Asociación Civil Ciudad Abierta",
    "Red de Accesibilidad",
    "Colectivo de Datos",
    "Usina de Justicia",
]
BA_AREAS = [
    "Secretaría General y Relaciones Internacionales",
    "Ministerio de Salud",
    "Ministerio de Educación",
    "Secretaría de Transporte",
    "Ministerio de Modernización",
    "Subsecretaría de Gobierno Abierto",
    "Legislatura",
    "Consejo de la Magistratura",
    "Ministerio Público Fiscal",
    "Ministerio de Hacienda",
    "Ministerio de Desarrollo Humano y Hábitat",
    "Ministerio de Ambiente y Espacio Público",
    "Secretaría de Integración Social y Urbana",
    "Ministerio de Desarrollo Urbano y Transporte",
    "Ministerio de Justicia y Seguridad",
    "Jefatura de Gabinete de Ministros",
]
SURNAMES = ["García", "Fernández", "López", "Martínez", "Romero", "Sosa", "Díaz", "Álvarez", "Ruiz", "Torres", "Acosta"]
ROUNDTABLE_TOPICS = ["health", "transport", "education", "justice and legislature", "open data", "accountability"]


def _ba_forum() -> list[tuple]:
    members = [
        (f"{'ABCDEFGHJKLMNPRSTUV'[i % 19]}. {SURNAMES[i % 11]}", org, CSO, "co-chair" if i == 0 else "member")
        for i, org in enumerate(BA_ORGANISATIONS)
    ]
    members += [
        (f"{'MNPRSTVABCDEFGHJ'[i % 16]}. {SURNAMES[(i + 5) % 11]}", area, GOV, "co-chair" if i == 0 else "focal point")
        for i, area in enumerate(BA_AREAS)
    ]
    return members


def _ba_meetings() -> list[tuple]:
    meetings = []
    for n in range(1, 28):
        topic = ROUNDTABLE_TOPICS[n % len(ROUNDTABLE_TOPICS)]
        held_on = date(2016, 4, 5) + timedelta(days=6 * n)
        minutes = (
            f"## Roundtable {n}: {topic}\n\n"
            f"Civil society organisations and government areas worked on the {topic} proposals.\n\n"
            "- Problems raised by the organisations were listed and prioritised.\n"
            "- Government areas said what they could commit to, and by when.\n"
            "- The next roundtable reviews the draft commitment text."
        )
        meetings.append(
            (f"Roundtable {n}: {topic}", held_on, "Palacio Lezama, Av. Martín García 346", 18 + n % 9, minutes)
        )
    return meetings


def _update(side, status, pct, on, narrative, links=()):
    return (side, status, pct, on, narrative, list(links))


BUENOS_AIRES = {
    "slug": "2016-2017",
    "title": "Buenos Aires Open Government Action Plan 2016–2017",
    "period": (date(2016, 10, 1), date(2018, 6, 30)),
    "closed": True,
    "official": "Subsecretaría de Gobierno Abierto",
    "partner": ("Fundación Huésped monitoring team", "Fundación Huésped"),
    "description": "Buenos Aires's first action plan as an OGP subnational pioneer, co-created in **27 roundtables** "
    "with **21 civil society organisations** and **16 government areas**.",
    "forum": _ba_forum(),
    "meetings": _ba_meetings(),
    "commitments": [
        {
            "fields": {
                "title": "Open data on sexual and reproductive health services",
                "problem": "Young people and women do not know where to get free contraceptives, HIV tests or "
                "counselling, nor what a health centre offers and when it is open.",
                "description": "Publish, as open data updated every quarter, every public health centre offering "
                "sexual and reproductive health services, with its services, hours and accessibility, and let "
                "users rate the service.",
                "contribution": "Residents find the nearest service that fits their needs; the ministry and "
                "civil society see where services are missing or poorly rated.",
                "ogp_values": [AI, TI, PA],
                "policy_areas": ["Health", "Open data", "Gender"],
                "lead_institution": "Ministerio de Salud",
                "supporting_government": ["Ministerio de Modernización"],
                "supporting_civil_society": ["Fundación Huésped", "Red de Mujeres Jóvenes"],
                "start_date": date(2016, 10, 1),
                "end_date": date(2018, 3, 31),
                "sdg_targets": ["3.7", "5.6"],
            },
            "milestones": [
                (
                    "Dataset of sexual and reproductive health services published on data.buenosaires.gob.ar",
                    date(2017, 3, 31),
                    [
                        _update(
                            GOV,
                            "limited",
                            40,
                            date(2017, 2, 10),
                            "The dataset schema was agreed with Fundación Huésped; 60 of 150 centres are surveyed.",
                        ),
                        _update(
                            GOV,
                            "complete",
                            100,
                            date(2017, 4, 20),
                            "The dataset is published with 150 centres and updated quarterly.",
                            ["https://data.buenosaires.gob.ar/dataset/salud-sexual"],
                        ),
                        _update(
                            CSO,
                            "substantial",
                            80,
                            date(2017, 5, 2),
                            "Published, but opening hours are missing for 23 centres; we reported them.",
                            ["https://www.huesped.org.ar/donde/"],
                        ),
                    ],
                ),
                (
                    "Services shown on the #DÓNDE map with users' ratings",
                    date(2017, 9, 30),
                    [
                        _update(
                            GOV,
                            "complete",
                            100,
                            date(2017, 9, 15),
                            "The #DÓNDE map shows every centre; ratings are open.",
                        ),
                        _update(
                            CSO,
                            "complete",
                            100,
                            date(2017, 10, 1),
                            "Confirmed: ratings are visible and answered by the ministry.",
                        ),
                    ],
                ),
                (
                    "Quarterly report on ratings and gaps in coverage",
                    date(2018, 3, 31),
                    [
                        _update(GOV, "substantial", 60, date(2018, 2, 1), "Two of three quarterly reports are out."),
                    ],
                ),
            ],
        },
        {
            "fields": {
                "title": "Open mobility data for public transport and cycling",
                "problem": "Bus, underground and bike-share data are scattered and hard to reuse, so riders lack "
                "reliable real-time information.",
                "description": "Publish timetables and real-time positions of public transport in open standard "
                "formats, and bike-share availability, with a public API.",
                "contribution": "Developers and civil society build better travel information; the city measures service quality in public.",
                "ogp_values": [AI, TI],
                "policy_areas": ["Transport", "Open data"],
                "lead_institution": "Secretaría de Transporte",
                "supporting_government": ["Ministerio de Modernización"],
                "supporting_civil_society": ["Bicicleteros Urbanos", "Observatorio de Movilidad"],
                "start_date": date(2016, 10, 1),
                "end_date": date(2018, 6, 30),
                "sdg_targets": ["11.2"],
            },
            "milestones": [
                (
                    "Public transport timetables published as GTFS",
                    date(2017, 6, 30),
                    [
                        _update(
                            GOV, "complete", 100, date(2017, 6, 1), "GTFS feed published for buses and the underground."
                        ),
                    ],
                ),
                (
                    "Real-time API for buses and bike-share",
                    date(2018, 6, 30),
                    [
                        _update(
                            GOV,
                            "substantial",
                            70,
                            date(2018, 5, 10),
                            "Bike-share is live; bus positions cover 70% of lines.",
                        ),
                        _update(
                            CSO,
                            "limited",
                            40,
                            date(2018, 5, 20),
                            "Bus positions are often stale; only a few lines are reliable.",
                        ),
                    ],
                ),
            ],
        },
        {
            "fields": {
                "title": "Open information on every public school",
                "problem": "Families cannot compare schools' infrastructure, enrolment and results.",
                "description": "Publish one page and open dataset per public school: buildings and works, "
                "vacancies, enrolment, and aggregated results.",
                "contribution": "Families choose with information and follow school works; organisations monitor inequality between districts.",
                "ogp_values": [AI, PA],
                "policy_areas": ["Education", "Open data"],
                "lead_institution": "Ministerio de Educación",
                "supporting_government": ["Ministerio de Desarrollo Urbano y Transporte"],
                "supporting_civil_society": ["Educación para Todos", "Padres Organizados"],
                "start_date": date(2016, 10, 1),
                "end_date": date(2018, 6, 30),
                "sdg_targets": ["4.1", "4.a"],
            },
            "milestones": [
                (
                    "School infrastructure and works dataset",
                    date(2017, 8, 31),
                    [
                        _update(GOV, "complete", 100, date(2017, 8, 30), "Published for 1,200 school buildings."),
                    ],
                ),
                (
                    "One public page per school",
                    date(2018, 6, 30),
                    [
                        _update(GOV, "limited", 30, date(2018, 4, 1), "Pages for secondary schools only."),
                    ],
                ),
            ],
        },
        {
            "fields": {
                "title": "Open government in the three branches of power",
                "problem": "The legislature and the judiciary publish little data, and in formats that cannot be compared with the executive's.",
                "description": "Agree common open data standards across the executive, the legislature and the "
                "judiciary; publish legislative votes and judicial rulings as open data.",
                "contribution": "Residents follow a law from its proposal to its vote and see how justice is served, with the same tools.",
                "ogp_values": [AI, PA, CP],
                "policy_areas": ["Justice", "Legislature", "Open data"],
                "lead_institution": "Secretaría General y Relaciones Internacionales",
                "supporting_government": ["Legislatura", "Consejo de la Magistratura", "Ministerio Público Fiscal"],
                "supporting_civil_society": ["Directorio Legislativo", "ACIJ", "Usina de Justicia"],
                "start_date": date(2016, 10, 1),
                "end_date": date(2018, 6, 30),
                "sdg_targets": ["16.6", "16.7"],
            },
            "milestones": [
                (
                    "Common open data standard signed by the three branches",
                    date(2017, 5, 31),
                    [
                        _update(GOV, "complete", 100, date(2017, 5, 30), "Signed by the three branches."),
                    ],
                ),
                (
                    "Legislative votes and judicial rulings published as open data",
                    date(2018, 6, 30),
                    [
                        _update(
                            GOV,
                            "substantial",
                            60,
                            date(2018, 6, 1),
                            "Votes are published; rulings from two courts out of five.",
                        ),
                        _update(
                            CSO, "limited", 35, date(2018, 6, 10), "Rulings are PDFs without metadata; hard to reuse."
                        ),
                    ],
                ),
            ],
        },
        {
            "fields": {
                "title": "Public tracking of the government's commitments",
                "problem": "Residents cannot see whether the mayor's commitments are on track.",
                "description": "Publish every government commitment with its indicator, deadline and progress, updated monthly.",
                "contribution": "Makes the government answerable for its promises, in public and with data.",
                "ogp_values": [PA, AI],
                "policy_areas": ["Accountability"],
                "lead_institution": "Jefatura de Gabinete de Ministros",
                "supporting_government": ["Ministerio de Hacienda"],
                "supporting_civil_society": ["Poder Ciudadano", "Chequeado"],
                "start_date": date(2016, 10, 1),
                "end_date": date(2018, 6, 30),
                "sdg_targets": ["16.6"],
            },
            "milestones": [
                (
                    "Commitments site with monthly progress",
                    date(2017, 3, 31),
                    [
                        _update(GOV, "complete", 100, date(2017, 3, 15), "Site live with 50 commitments."),
                        _update(
                            CSO,
                            "substantial",
                            75,
                            date(2017, 4, 15),
                            "Live, but indicators lack their baselines.",
                            ["https://chequeado.com/"],
                        ),
                    ],
                ),
            ],
        },
    ],
}


def _paris() -> dict:
    year = timezone.localdate().year
    start, end = date(year - 1, 1, 1), date(year + 1, 12, 31)
    return {
        "slug": "climate-plan",
        "title": "Paris Climate Plan: open government commitments",
        "period": (start, end),
        "official": "Agence d'écologie urbaine",
        "partner": ("Alternatiba Paris monitoring team", "Alternatiba Paris"),
        "description": "Commitments that open the Climate Plan to residents: its data, its decisions and its tracking.",
        "forum": [
            ("C. Martin", "Agence d'écologie urbaine", GOV, "co-chair"),
            ("L. Bernard", "Direction du logement et de l'habitat", GOV, "member"),
            ("S. Petit", "Alternatiba Paris", CSO, "co-chair"),
            ("A. Dubois", "Réseau Action Climat", CSO, "member"),
            ("N. Moreau", "Assemblée citoyenne de Paris", "other", "observer"),
        ],
        "meetings": [
            (
                "Forum launch",
                start + timedelta(days=20),
                "Hôtel de Ville",
                42,
                "The forum agreed its rules and calendar.",
            ),
            (
                "Drafting workshop",
                start + timedelta(days=60),
                "Maison des acteurs du Paris durable",
                35,
                "Three draft commitments.",
            ),
        ],
        "commitments": [
            {
                "fields": {
                    "title": "Open data on the energy renovation of buildings",
                    "problem": "Residents cannot see which buildings are renovated and how much energy is saved.",
                    "description": "Publish every subsidised renovation with its expected and measured savings.",
                    "contribution": "Tracks the Climate Plan's renovation target in public.",
                    "ogp_values": [AI, PA],
                    "policy_areas": ["Climate", "Housing", "Open data"],
                    "lead_institution": "Direction du logement et de l'habitat",
                    "supporting_civil_society": ["Réseau Action Climat"],
                    "start_date": start,
                    "end_date": end,
                    "sdg_targets": ["7.3", "13.2"],
                },
                "milestones": [
                    (
                        "Renovations dataset published",
                        start + timedelta(days=180),
                        [
                            _update(
                                GOV, "complete", 100, start + timedelta(days=170), "Published with 4,300 buildings."
                            ),
                            _update(
                                CSO,
                                "substantial",
                                80,
                                start + timedelta(days=200),
                                "Measured savings are missing for most buildings.",
                            ),
                        ],
                    ),
                    (
                        "Measured savings added every year",
                        end,
                        [
                            _update(GOV, "limited", 25, start + timedelta(days=300), "First measurements collected."),
                        ],
                    ),
                ],
            },
            {
                "fields": {
                    "title": "A public answer to every recommendation of the citizens' assembly",
                    "problem": "Recommendations of participatory bodies are often left without an answer.",
                    "description": "Answer each recommendation of the Paris citizens' assembly on climate within three months, in public.",
                    "contribution": "Residents see what became of their recommendations.",
                    "ogp_values": [CP, PA],
                    "policy_areas": ["Climate", "Participation"],
                    "lead_institution": "Secrétariat général",
                    "supporting_civil_society": ["Alternatiba Paris"],
                    "start_date": start,
                    "end_date": end,
                    "sdg_targets": ["13.3", "16.7"],
                },
                "milestones": [
                    (
                        "Answers to the first 20 recommendations",
                        start + timedelta(days=240),
                        [
                            _update(GOV, "substantial", 65, start + timedelta(days=230), "13 answers published."),
                        ],
                    ),
                ],
            },
            {
                "fields": {
                    "title": "Public tracking of the Climate Plan's measures",
                    "problem": "The Climate Plan's 500 measures are tracked in internal spreadsheets.",
                    "description": "Publish the status of each measure, with indicators, twice a year.",
                    "contribution": "Makes the Climate Plan accountable.",
                    "ogp_values": [PA, TI],
                    "policy_areas": ["Climate", "Accountability"],
                    "lead_institution": "Agence d'écologie urbaine",
                    "start_date": start,
                    "end_date": end,
                    "sdg_goals": [13],
                },
                "milestones": [
                    ("First public tracking report", start + timedelta(days=365), []),
                ],
            },
        ],
    }


def _madrid() -> dict:
    year = timezone.localdate().year
    start, end = date(year - 1, 6, 1), date(year + 1, 5, 31)
    return {
        "slug": "open-government",
        "title": "Madrid open government commitments",
        "period": (start, end),
        "official": "Área de Participación Ciudadana",
        "partner": ("Medialab monitoring team", "Medialab Prado"),
        "description": "Madrid's OGP Local commitments.",
        "forum": [
            ("R. Gómez", "Área de Participación Ciudadana", GOV, "co-chair"),
            ("P. Vidal", "Medialab Prado", CSO, "co-chair"),
        ],
        "meetings": [("Forum meeting", start + timedelta(days=15), "Medialab Prado", 25, "")],
        "commitments": [
            {
                "fields": {
                    "title": "Extend Consul to other cities",
                    "problem": "Cities that want a participation platform start from scratch.",
                    "description": "Support other cities in installing Consul, the free software behind Decide Madrid.",
                    "contribution": "Spreads citizen participation at little cost.",
                    "ogp_values": [CP, TI],
                    "policy_areas": ["Participation"],
                    "lead_institution": "Área de Participación Ciudadana",
                    "start_date": start,
                    "end_date": end,
                    "sdg_targets": ["16.7"],
                },
                "milestones": [
                    (
                        "Installation guide and support for 10 cities",
                        end,
                        [
                            _update(
                                GOV,
                                "substantial",
                                50,
                                start + timedelta(days=120),
                                "Five cities run Consul with our support.",
                            ),
                        ],
                    ),
                ],
            },
            {
                "fields": {
                    "title": "Participatory budgets decided and tracked on Decide Madrid",
                    "problem": "Residents propose and vote projects, then lose sight of them once they are chosen.",
                    "description": "Publish the execution of every winning participatory budget project, with its "
                    "status, photos and money spent, next to the proposal that started it.",
                    "contribution": "Residents see what became of the projects they voted for.",
                    "ogp_values": [CP, PA],
                    "policy_areas": ["Participatory budgeting", "Participation"],
                    "lead_institution": "Área de Participación Ciudadana",
                    "supporting_civil_society": ["Medialab Prado"],
                    "start_date": start,
                    "end_date": end,
                    "sdg_targets": ["16.6", "16.7"],
                },
                "milestones": [
                    (
                        "Execution of every winning project published",
                        start + timedelta(days=200),
                        [
                            _update(
                                GOV,
                                "substantial",
                                70,
                                start + timedelta(days=150),
                                "312 projects published with their status; photos for 120.",
                            ),
                            _update(
                                CSO,
                                "limited",
                                40,
                                start + timedelta(days=170),
                                "Spending is missing for most projects.",
                                ["https://decide.madrid.es/presupuestos"],
                            ),
                        ],
                    ),
                ],
            },
        ],
    }


# Beyond the plan itself: candidates from the consultation, evidence files, tracked results and the independent
# assessment (an IRM-style review written for the demo; not the IRM's published ratings).
EXTRAS = {
    "buenos-aires": {
        "candidates": [
            (
                "Open data on where to get free contraceptives",
                "A proposal from the public consultation: map every health centre and what it offers.",
                1,
                "Taken up, with HIV testing and counselling added, as commitment 1.",
            ),
            (
                "Free Wi-Fi in every public square",
                "A proposal from the public consultation.",
                None,
                "Not an open government commitment: passed on to the Ministry of Modernisation's connectivity plan.",
            ),
        ],
        "evidence": [(1, "Health services dataset: publication notice")],
        "assessments": [
            (1, "clear", "moderate", "complete", "major", "The dataset is published and used by health NGOs."),
            (2, "clear", "moderate", "substantial", "marginal", "Data published, but few riders know it exists."),
            (3, "clear", "minor", "substantial", "marginal", "School data is out; participation of families is low."),
            (4, "clear", "transformative", "limited", "did_not_change", "Only one of the three branches delivered."),
            (5, "clear", "moderate", "substantial", "major", "Civil society tracks the plan in public."),
        ],
    },
    "paris": {
        "evidence": [(1, "Renovations dataset: documentation")],
        "results": [
            (3, "PCP-MEASURES", "in_progress", 45, "1250000.00", "EUR", "First public report on 500 measures."),
        ],
        "assessments": [
            (1, "clear", "moderate", "substantial", "marginal", "Data published; measured savings still missing."),
        ],
    },
    "madrid": {
        "evidence": [(1, "Consul installation guide")],
        "results": [
            (1, "MAD-CONSUL", "in_progress", 50, "180000.00", "EUR", "Five cities supported so far."),
            (2, "MAD-PB-2019", "in_progress", 70, "2300000.50", "EUR", "312 projects published."),
        ],
        "assessments": [
            (1, "clear", "transformative", "substantial", "major", "Consul now runs in cities on four continents."),
        ],
    },
}


def plan_for(slug: str) -> dict | None:
    """The demo plan of a jurisdiction; Paris's and Madrid's dates follow today's, so they stay current."""
    builders = {"buenos-aires": lambda: BUENOS_AIRES, "paris": _paris, "madrid": _madrid}
    builder = builders.get(slug)
    if builder is None:
        return None
    return {**builder(), **EXTRAS.get(slug, {})}
