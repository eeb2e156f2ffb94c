"""Budgets operations: set-up, projects and review, supports, ballots (once, editable), results, Pabulib."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled
from pabutools.election.pabulib import parse_pabulib_from_string

from plaza.budgets import operations, pabulib, rules
from plaza.budgets.models import Ballot, BallotLine, Budget, Project, ResultRow, Support
from plaza.budgets.tests.conftest import make_resident
from plaza.budgets.tests.factories import HeadingFactory, ProjectFactory
from plaza.core.models import AuditEntry, VoterRollEntry
from plaza.core.roll import AlreadyVoted
from plaza.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def lines_of(ballot):
    with scopes_disabled():
        return sorted(BallotLine.objects.filter(ballot=ballot).values_list("project__title", flat=True))


def test_admin_creates_a_budget_with_headings(paris, paris_admin):
    budget = operations.create_budget(
        actor=paris_admin, jurisdiction=paris, title="Budget 2027", headings=[("City-wide", 5000000), ("11e", "250000")]
    )
    with scopes_disabled():
        assert [(h.name, h.amount) for h in budget.headings.all()] == [
            ("City-wide", Decimal("5000000.00")),
            ("11e", Decimal("250000.00")),
        ]
        assert budget.total == Decimal("5250000")
        assert AuditEntry.objects.filter(action="budgets.create").exists()


def test_a_resident_cannot_create_a_budget(paris, resident):
    with pytest.raises(PermissionDenied):
        operations.create_budget(actor=resident, jurisdiction=paris, title="Mine", headings=[("All", 1)])


def test_submitting_a_project_checks_heading_and_cost(budget, heading, resident):
    budget.phase = Budget.Phase.ACCEPTING
    budget.save()
    with scopes_disabled():
        other = HeadingFactory(jurisdiction=budget.jurisdiction)
    with pytest.raises(ValidationError) as caught:
        operations.submit_project(
            actor=resident, budget=budget, heading=other, title="", description="x", estimated_cost="-3"
        )
    assert set(caught.value.message_dict) == {"heading", "title", "estimated_cost"}
    project = operations.submit_project(
        actor=resident, budget=budget, heading=heading, title="Trees", description="Plant trees", estimated_cost="1200"
    )
    assert project.estimated_cost == Decimal("1200.00") and project.feasibility == Project.Feasibility.PENDING


def test_valuator_reviews_feasibility_with_a_public_reason(budget, projects, valuator, resident):
    budget.phase = Budget.Phase.REVIEWING
    budget.save()
    with pytest.raises(ValidationError, match="why"):
        operations.review_project(actor=valuator, project=projects[0], feasible=False)
    with pytest.raises(PermissionDenied):
        operations.review_project(actor=resident, project=projects[0], feasible=True)
    operations.review_project(actor=valuator, project=projects[0], feasible=False, reason="Private land")
    operations.review_project(actor=valuator, project=projects[1], feasible=True, official_cost="45000")
    projects[1].refresh_from_db()
    assert projects[1].cost == Decimal("45000")
    with scopes_disabled():
        assert [p.title for p in operations.ballot_projects(projects[0].heading)] == ["Bike lanes", "Library"]


def test_supports_once_per_person_and_limited_per_heading(budget, projects, resident):
    budget.phase = Budget.Phase.SELECTING
    budget.supports_per_heading = 2
    budget.save()
    operations.support_project(actor=resident, project=projects[0])
    with pytest.raises(ValidationError, match="already support"):
        operations.support_project(actor=resident, project=projects[0])
    operations.support_project(actor=resident, project=projects[1])
    with pytest.raises(ValidationError, match="up to 2"):
        operations.support_project(actor=resident, project=projects[2])
    with scopes_disabled():
        assert Support.objects.count() == 2


def test_unverified_account_cannot_support_or_ballot(budget, heading, projects):
    user = UserFactory()
    with pytest.raises(PermissionDenied, match="Verify"):
        operations.cast_ballot(actor=user, budget=budget, heading=heading, choices={projects[0].pk: 1})


def test_knapsack_ballot_must_fit_the_heading(budget, heading, projects, resident):
    with pytest.raises(ValidationError, match="cost €130,000 but the heading has €100,000") as caught:
        operations.cast_ballot(actor=resident, budget=budget, heading=heading, choices={p.pk: 1 for p in projects})
    assert caught.value.code == "over_amount"
    with scopes_disabled():
        assert not Ballot.objects.exists() and not VoterRollEntry.objects.exists()
    ballot = operations.cast_ballot(
        actor=resident, budget=budget, heading=heading, choices={projects[0].pk: 1, projects[1].pk: 1}
    )
    assert lines_of(ballot) == ["Bike lanes", "Garden"]


def test_a_project_from_another_heading_is_refused(budget, heading, projects, resident):
    with scopes_disabled():
        elsewhere = ProjectFactory(heading=HeadingFactory(budget=budget))
    with pytest.raises(ValidationError) as caught:
        operations.cast_ballot(actor=resident, budget=budget, heading=heading, choices={elsewhere.pk: 1})
    assert caught.value.code == "other_heading"


def test_ballot_after_closing_is_refused(budget, heading, projects, resident):
    budget.phase = Budget.Phase.REVIEWING_BALLOTS
    budget.save()
    with pytest.raises(ValidationError) as caught:
        operations.cast_ballot(actor=resident, budget=budget, heading=heading, choices={projects[0].pk: 1})
    assert caught.value.code == "phase"


def test_one_ballot_per_person_edited_by_revision(budget, heading, projects, resident):
    ballot = operations.cast_ballot(actor=resident, budget=budget, heading=heading, choices={projects[0].pk: 1})
    assert ballot.revision == 1
    # The same first-ballot form sent again (double click, second tab) is refused: nothing changes.
    with pytest.raises(AlreadyVoted):
        operations.cast_ballot(actor=resident, budget=budget, heading=heading, choices={projects[2].pk: 1})
    edited = operations.cast_ballot(
        actor=resident, budget=budget, heading=heading, choices={projects[1].pk: 1, projects[2].pk: 1}, revision=1
    )
    assert edited.pk == ballot.pk and edited.revision == 2
    assert lines_of(edited) == ["Bike lanes", "Library"]
    # A stale edit (made from revision 1) is refused, so an edit replaces the ballot exactly once.
    with pytest.raises(ValidationError) as caught:
        operations.cast_ballot(actor=resident, budget=budget, heading=heading, choices={projects[0].pk: 1}, revision=1)
    assert caught.value.code == "stale"
    with scopes_disabled():
        assert Ballot.objects.count() == 1 and VoterRollEntry.objects.count() == 1
        # The roll and the ballot's revision are the record of a resident's own ballot: no audit entry, as votes'.
        assert not AuditEntry.objects.exists()
    assert lines_of(edited) == ["Bike lanes", "Library"]


def test_second_account_of_the_same_person_shares_the_ballot(budget, heading, projects, resident):
    from plaza.core.tests.factories import VerificationFactory

    with scopes_disabled():
        person = resident.verifications.first().person if hasattr(resident, "verifications") else None
        if person is None:
            from plaza.core.models import Verification

            person = Verification.objects.get(user=resident).person
        other = VerificationFactory(jurisdiction=budget.jurisdiction, person=person, user=UserFactory()).user
    operations.cast_ballot(actor=resident, budget=budget, heading=heading, choices={projects[0].pk: 1})
    with pytest.raises(AlreadyVoted):
        operations.cast_ballot(actor=other, budget=budget, heading=heading, choices={projects[1].pk: 1})


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (Budget.BallotKind.APPROVAL, [1, 1], [1, 1, 1]),
        (Budget.BallotKind.CUMULATIVE, [7, 3], [7, 4]),
        (Budget.BallotKind.RANKED, [2, 1], [1, 3]),
    ],
)
def test_other_ballot_kinds(budget, heading, projects, resident, kind, good, bad):
    budget.ballot_kind = kind
    budget.max_choices = 2
    budget.save()
    with pytest.raises(ValidationError):
        operations.cast_ballot(
            actor=resident,
            budget=budget,
            heading=heading,
            choices={p.pk: v for p, v in zip(projects, bad, strict=False)},
        )
    ballot = operations.cast_ballot(
        actor=resident, budget=budget, heading=heading, choices={p.pk: v for p, v in zip(projects, good, strict=False)}
    )
    with scopes_disabled():
        stored = {line.project_id: (line.points, line.rank) for line in BallotLine.objects.filter(ballot=ballot)}
    if kind == Budget.BallotKind.CUMULATIVE:
        assert stored == {projects[0].pk: (7, None), projects[1].pk: (3, None)}
    if kind == Budget.BallotKind.RANKED:
        assert stored == {projects[0].pk: (1, 2), projects[1].pk: (1, 1)}


def test_finishing_computes_results_by_every_rule(paris, paris_admin, budget, heading, projects):
    choices = [{0: 1}, {0: 1}, {0: 1}, {1: 1, 2: 1}, {1: 1, 2: 1}]
    for picks in choices:
        operations.cast_ballot(
            actor=make_resident(paris),
            budget=budget,
            heading=heading,
            choices={projects[i].pk: v for i, v in picks.items()},
        )
    operations.set_phase(actor=paris_admin, budget=budget, phase=Budget.Phase.FINISHED)
    with scopes_disabled():
        greedy = {r.project.title: (r.votes, r.selected, r.reason) for r in ResultRow.objects.filter(rule="greedy")}
        assert greedy == {
            "Garden": (3, True, rules.SELECTED),
            "Bike lanes": (2, True, rules.SELECTED),
            "Library": (2, False, rules.DID_NOT_FIT),
        }
        mes = {r.project.title: r.selected for r in ResultRow.objects.filter(rule="mes")}
        assert mes == {"Garden": True, "Bike lanes": True, "Library": False}


def test_pb_export_replays_to_the_same_winners_in_pabutools(paris, paris_admin, budget, heading, projects):
    for picks in ([0], [0], [1, 2], [2]):
        operations.cast_ballot(
            actor=make_resident(paris), budget=budget, heading=heading, choices={projects[i].pk: 1 for i in picks}
        )
    operations.set_phase(actor=paris_admin, budget=budget, phase=Budget.Phase.FINISHED)
    with scopes_disabled():
        text = operations.export_pb(heading)
    pb = pabulib.parse(text)
    assert len(pb.votes) == 4 and pb.meta["budget"] == "100000"
    instance, profile = parse_pabulib_from_string(text)
    assert len(profile) == 4
    selected = sorted(p["project_id"] for p in pb.projects if p["selected"] == "1")
    assert selected == sorted(rules.greedy(pb.election()).selected)


def test_pb_import_creates_a_heading_that_replays_the_file(paris, paris_admin, budget):
    path = "/work/shared/realdata/pabulib/Poland_Krakow_2018_Swoszowice.pb"
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    heading = operations.import_pb(actor=paris_admin, budget=budget, text=text)
    with scopes_disabled():
        election, _projects = operations.heading_election(heading)
    assert sorted(rules.mes(election).selected) == sorted(rules.mes(pabulib.parse(text).election()).selected)


def test_pb_import_refuses_a_bad_file_and_writes_nothing(paris, paris_admin, budget):
    text = (
        "META\nkey;value\nbudget;10\nvote_type;approval\nnum_projects;1\nnum_votes;1\n"
        "PROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n1;2\n"
    )
    with pytest.raises(pabulib.PabulibError, match="line 12"):
        operations.import_pb(actor=paris_admin, budget=budget, text=text)
    with scopes_disabled():
        assert budget.headings.count() == 0


def test_another_jurisdictions_admin_cannot_change_this_budget(madrid_admin, budget, heading):
    with pytest.raises(PermissionDenied):
        operations.set_phase(actor=madrid_admin, budget=budget, phase=Budget.Phase.FINISHED)


def test_a_blocked_account_submits_no_project(budget, heading, resident):
    from plaza.core.models import BlockedAccount

    budget.phase = Budget.Phase.ACCEPTING
    budget.save()
    with scopes_disabled():
        BlockedAccount.objects.create(jurisdiction=budget.jurisdiction, user=resident, reason="Spam")
    with pytest.raises(PermissionDenied, match="blocked your account"):
        operations.submit_project(
            actor=resident, budget=budget, heading=heading, title="Trees", description="Plant", estimated_cost="1"
        )
    with scopes_disabled():
        assert not Project.objects.filter(title="Trees").exists()
