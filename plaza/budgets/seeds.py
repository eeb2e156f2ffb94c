"""Demo budgets: Paris's finished participatory budget (results by both rules, .pb download), Madrid's open one.

Paris lets residents decide how to spend about EUR 100m a year; the demo keeps two headings and a
small sample of ballots cast by census residents so that the results page shows a project with more
votes that did not fit, and MES funding a different set than greedy. Madrid's budget is open for
balloting: the demo resident (resident.madrid@demo.plaza) can fill and edit a basket.
Once every app has seeded, `link_winners` (the manifest's `seed_links`) sends Paris's winners to the
process's results tracker, so a winning project's page shows "What became of it".
"""

from decimal import Decimal

from plaza.budgets.models import Ballot, BallotLine, Budget, Heading, Project
from plaza.budgets.operations import create_budget, set_phase, track_winners
from plaza.core.models import CensusRecord, ComponentInstance, ContentLink, Person, Role, RoleGrant, Verification
from plaza.core.roll import Channel, cast_once

PARIS_SLUG = "paris-budget-2025"
MADRID_SLUG = "madrid-budget-2026"

PARIS_PROJECTS = {
    "City-wide": [
        ("Green schoolyards (oasis)", 4_000_000, "Replace asphalt with planted, shaded play areas."),
        ("Protected cycle lanes on the boulevards", 6_000_000, "Separate lanes on the busiest routes."),
        ("Night shelters for homeless women", 2_500_000, "Two new shelters with social support."),
        ("Refill fountains in every arrondissement", 1_500_000, "Drinking water, free, summer and winter."),
    ],
    "11th arrondissement": [
        ("Rue Oberkampf pedestrian Sundays", 300_000, "Street furniture and planters for car-free Sundays."),
        ("Youth music studio", 450_000, "A rehearsal and recording studio in a community centre."),
        ("Shared tool library", 120_000, "Borrow drills and ladders instead of buying them."),
    ],
}
# Ballots (indexes into each heading's projects): a majority and a minority, so MES and greedy differ.
PARIS_BALLOTS = {
    "City-wide": [[0, 1]] * 9 + [[2, 3]] * 6 + [[1]] * 3,
    "11th arrondissement": [[1]] * 8 + [[0, 2]] * 7,
}
MADRID_PROJECTS = {
    "Centro": [
        ("Más sombra en la Plaza Mayor", 250_000, "Toldos y árboles en la plaza."),
        ("Bibliotecas abiertas en agosto", 180_000, "Abrir las bibliotecas del distrito todo el verano."),
        ("Huertos urbanos en Lavapiés", 90_000, "Parcelas para vecinos y escuelas."),
    ],
}


def _admin(jurisdiction):
    grant = RoleGrant.objects.filter(jurisdiction=jurisdiction, role=Role.ADMIN, process=None).select_related("user")
    found = grant.order_by("pk").first()
    return found.user if found else None


def seed(jurisdiction, process, component) -> None:
    admin = _admin(jurisdiction)
    if admin is None:
        return
    if jurisdiction.slug == "paris" and not Budget.objects.filter(jurisdiction=jurisdiction, slug=PARIS_SLUG).exists():
        _paris(jurisdiction, admin, component)
    if (
        jurisdiction.slug == "madrid"
        and not Budget.objects.filter(jurisdiction=jurisdiction, slug=MADRID_SLUG).exists()
    ):
        _budget(
            jurisdiction,
            admin,
            component,
            MADRID_SLUG,
            "Presupuestos participativos de Madrid 2026",
            MADRID_PROJECTS,
            Budget.Rule.GREEDY,
            {"Centro": 400_000},
        )


def _budget(jurisdiction, admin, component, slug, title, projects, rule, amounts) -> Budget:
    budget = create_budget(
        actor=admin,
        jurisdiction=jurisdiction,
        title=title,
        slug=slug,
        component=component,
        rule=rule,
        headings=list(amounts.items()),
        description="A demo participatory budget.",
    )
    for heading in Heading.objects.filter(budget=budget):
        for name, cost, text in projects[heading.name]:
            Project.objects.create(
                jurisdiction=jurisdiction,
                budget=budget,
                heading=heading,
                title=name,
                description=text,
                estimated_cost=Decimal(cost),
                feasibility=Project.Feasibility.FEASIBLE,
            )
    Budget.objects.filter(pk=budget.pk).update(phase=Budget.Phase.BALLOTING)
    budget.refresh_from_db()
    return budget


def _paris(jurisdiction, admin, component) -> None:
    budget = _budget(
        jurisdiction,
        admin,
        component,
        PARIS_SLUG,
        "Paris participatory budget 2025",
        PARIS_PROJECTS,
        Budget.Rule.MES_COMPLETE,
        {"City-wide": 10_000_000, "11th arrondissement": 600_000},
    )
    verified = Verification.objects.filter(jurisdiction=jurisdiction).values_list("person__census_record", flat=True)
    records = list(
        CensusRecord.objects.filter(jurisdiction=jurisdiction, is_active=True).exclude(pk__in=verified).order_by("pk")
    )
    headings = {h.name: h for h in Heading.objects.filter(budget=budget)}
    projects = {name: list(Project.objects.filter(heading=h).order_by("pk")) for name, h in headings.items()}
    people = iter(records)
    for name, ballots in PARIS_BALLOTS.items():
        for picks in ballots:
            record = next(people, None)
            if record is None:
                break
            person, _created = Person.objects.get_or_create(jurisdiction=jurisdiction, census_record=record)

            def write_ballot(person=person, name=name, picks=picks):
                ballot = Ballot.objects.create(jurisdiction=jurisdiction, budget=budget, person=person)
                BallotLine.objects.bulk_create(
                    BallotLine(jurisdiction=jurisdiction, ballot=ballot, project=projects[name][i]) for i in picks
                )

            cast_once(
                jurisdiction=jurisdiction,
                election_key=budget.election_key,
                person=person,
                channel=Channel.ONLINE,
                write_ballot=write_ballot,
            )
    set_phase(actor=admin, budget=budget, phase=Budget.Phase.FINISHED)


def link_winners(jurisdiction, process, component) -> None:
    """Paris's winners become results in the process's component that tracks them (only the new ones)."""
    budget = Budget.objects.filter(
        jurisdiction=jurisdiction, slug=PARIS_SLUG, component=component, phase=Budget.Phase.FINISHED
    ).first()
    admin = _admin(jurisdiction)
    if budget is None or admin is None:
        return
    components = ComponentInstance.objects.filter(process=process).order_by("pk")
    tracker = next((c for c in components if c.manifest and c.manifest.link_target(ContentLink.Kind.RESULT)), None)
    if tracker is not None:
        track_winners(actor=admin, budget=budget, component=tracker)
