"""A budget's booths (core's, shared with votes): admins set them up, officers report each day's total, and the
admins' booths page reconciles those totals with the ballots recorded there."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from plaza.budgets import operations, queries
from plaza.budgets.tests.factories import BoothFactory, BudgetFactory
from plaza.budgets.tests.test_booth import DOCUMENT
from plaza.core.models import AuditEntry, Booth, BoothTotal, Role
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import CensusRecordFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db

BOOTHS = "/paris/budgets/paris-2026/booths/"
TOTALS = "/paris/budgets/paris-2026/booth/totals/"


@pytest.fixture
def officer(paris):
    user = UserFactory(public_name="Officer Odile")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=user, role=Role.POLL_OFFICER)
    return user


@pytest.fixture
def town_hall(budget):
    with scopes_disabled():
        return BoothFactory(budget=budget, name="Town hall")


def today(jurisdiction):
    return timezone.localdate(timezone=jurisdiction.zone)


def ballot_at(booth, officer, heading, project, document_id: str) -> None:
    with scopes_disabled():
        CensusRecordFactory(jurisdiction=booth.jurisdiction, **(DOCUMENT | {"document_id": document_id}))
    operations.cast_at_booth(
        officer=officer,
        budget=heading.budget,
        booth=booth,
        choices={heading.pk: {project.pk: 1}},
        **(DOCUMENT | {"document_id": document_id}),
    )


# --- Operations -------------------------------------------------------------------------------


def test_admins_add_and_remove_booths_with_public_audit_entries(paris, paris_admin, budget):
    booth = operations.add_booth(actor=paris_admin, budget=budget, name="  Town hall ")
    assert (booth.name, booth.election_key) == ("Town hall", budget.election_key)
    with pytest.raises(ValidationError, match="already has a booth of this name"):
        operations.add_booth(actor=paris_admin, budget=budget, name="Town hall")
    for bad in ("   ", "x" * 121):
        with pytest.raises(ValidationError) as refused:
            operations.add_booth(actor=paris_admin, budget=budget, name=bad)
        assert "name" in refused.value.message_dict
    operations.remove_booth(actor=paris_admin, budget=budget, booth=booth)
    with scopes_disabled():
        assert not Booth.objects.exists()
        actions = list(AuditEntry.objects.filter(is_public=True).order_by("pk").values_list("action", "data"))
    assert actions[-2:] == [
        ("budgets.booth_add", {"booth": "Town hall"}),
        ("budgets.booth_remove", {"booth": "Town hall"}),
    ]


def test_only_the_budgets_admins_set_up_booths(paris, budget, town_hall, officer, madrid_admin):
    for someone in (officer, madrid_admin):
        with pytest.raises(PermissionDenied):
            operations.add_booth(actor=someone, budget=budget, name="Library")
        with pytest.raises(PermissionDenied):
            operations.remove_booth(actor=someone, budget=budget, booth=town_hall)
    with scopes_disabled():
        assert list(Booth.objects.values_list("name", flat=True)) == ["Town hall"]


def test_a_booth_with_ballots_or_totals_stays(paris, paris_admin, officer, budget, heading, projects, town_hall):
    with scopes_disabled():
        library = BoothFactory(budget=budget, name="Library")
    ballot_at(town_hall, officer, heading, projects[0], "11111111H")
    operations.report_booth_total(officer=officer, budget=budget, booth=library, day=today(paris), count=0)
    for used in (town_hall, library):
        with pytest.raises(ValidationError, match="it stays"):
            operations.remove_booth(actor=paris_admin, budget=budget, booth=used)
    with scopes_disabled():
        assert Booth.objects.count() == 2


def test_an_officer_reports_totals_that_reconcile_with_the_ballots(
    paris, officer, budget, heading, projects, town_hall
):
    with scopes_disabled():
        library = BoothFactory(budget=budget, name="Library")
    ballot_at(town_hall, officer, heading, projects[0], "11111111H")
    ballot_at(town_hall, officer, heading, projects[1], "22222222J")
    ballot_at(library, officer, heading, projects[2], "33333333P")
    day = today(paris)
    operations.report_booth_total(officer=officer, budget=budget, booth=town_hall, day=day, count=3)
    total = operations.report_booth_total(officer=officer, budget=budget, booth=town_hall, day=day, count=2)
    assert total.count == 2
    with jurisdiction_scope(paris):
        rows = queries.booth_reconciliation(budget)
        entry = AuditEntry.objects.filter(action="budgets.booth_tally").latest("pk")
    assert [(r["booth"], r["reported"], r["recorded"], r["difference"]) for r in rows] == [
        ("Library", None, 1, None),
        ("Town hall", 2, 2, 0),
    ]
    assert entry.is_public and entry.target_id == str(budget.pk) and entry.data["count"] == 2


def test_totals_are_refused_for_another_budgets_booth_a_day_to_come_or_a_resident(
    paris, officer, resident, budget, town_hall
):
    with scopes_disabled():
        elsewhere = BoothFactory(budget=BudgetFactory(jurisdiction=paris), name="Town hall")
    with pytest.raises(ValidationError, match="another election"):
        operations.report_booth_total(officer=officer, budget=budget, booth=elsewhere, day=today(paris), count=1)
    with pytest.raises(ValidationError, match="not come yet"):
        operations.report_booth_total(
            officer=officer, budget=budget, booth=town_hall, day=today(paris).replace(year=2999), count=1
        )
    with pytest.raises(PermissionDenied):
        operations.report_booth_total(officer=resident, budget=budget, booth=town_hall, day=today(paris), count=1)
    with scopes_disabled():
        assert not BoothTotal.objects.exists()


def test_booths_written_as_free_text_before_become_the_budgets_booths(paris, budget, unscoped):
    """Migration 0003: the names the roll holds for a budget's booth ballots become its booths, once each."""
    from importlib import import_module

    from django.apps import apps

    from plaza.core.models import VoterRollEntry
    from plaza.core.tests.factories import PersonFactory

    for name in ("Town hall", "Town hall", "Library"):
        VoterRollEntry.objects.create(
            jurisdiction=paris,
            election_key=budget.election_key,
            person=PersonFactory(jurisdiction=paris),
            channel="booth",
            booth=name,
        )
    BoothFactory(budget=budget, name="Library")  # already there: kept, not doubled
    migration = import_module("plaza.budgets.migrations.0003_booths_from_the_roll")
    migration.booths_from_the_roll(apps, None)
    assert sorted(Booth.objects.filter(election_key=budget.election_key).values_list("name", flat=True)) == [
        "Library",
        "Town hall",
    ]


# --- Pages ------------------------------------------------------------------------------------


def test_an_officer_reports_a_days_total_on_the_page(client, paris, officer, budget, town_hall):
    client.force_login(officer)
    page = client.get(TOTALS).content.decode()
    assert "Report a day's count" in page and "Town hall" in page
    assert "Booths and their totals" not in page  # the reconciliation is the admins'
    answer = client.post(TOTALS, {"booth": town_hall.pk, "day": today(paris).isoformat(), "count": "7"})
    assert answer.status_code == 302
    assert "The day's total is recorded" in client.get(answer.url).content.decode()
    refused = client.post(TOTALS, {"booth": town_hall.pk, "day": "2999-01-01", "count": "7"})
    assert refused.status_code == 400 and "This day has not come yet" in refused.content.decode()
    with scopes_disabled():
        assert list(BoothTotal.objects.values_list("count", flat=True)) == [7]


def test_the_totals_page_is_for_poll_officers_of_the_jurisdiction(client, resident, madrid_admin, budget, town_hall):
    for someone in (resident, madrid_admin):
        client.force_login(someone)
        assert client.get(TOTALS).status_code in (403, 404)
    client.logout()
    assert client.get(TOTALS).status_code == 302  # to sign in


def test_the_totals_page_says_when_there_is_no_booth(client, officer, budget):
    client.force_login(officer)
    page = client.get(TOTALS).content.decode()
    assert "No booth is set up for this budget yet" in page and 'name="count"' not in page


def test_admins_see_discrepancies_on_the_booths_page(
    client, paris, paris_admin, officer, budget, heading, projects, town_hall
):
    ballot_at(town_hall, officer, heading, projects[0], "11111111H")
    operations.report_booth_total(officer=officer, budget=budget, booth=town_hall, day=today(paris), count=4)
    client.force_login(paris_admin)
    assert "Booths and their totals" in client.get("/paris/budgets/paris-2026/").content.decode()
    page = client.get(BOOTHS).content.decode()
    assert '<tr class="discrepancy">' in page and "Discrepancy: 3" in page and "Officer Odile" in page


def test_admins_add_and_remove_booths_on_the_page(client, paris_admin, budget, town_hall):
    client.force_login(paris_admin)
    added = client.post(BOOTHS, {"name": "Library"})
    assert added.status_code == 302 and "The booth is added" in client.get(added.url).content.decode()
    again = client.post(BOOTHS, {"name": "Library"})
    assert again.status_code == 400 and "already has a booth of this name" in again.content.decode()
    removed = client.post(BOOTHS, {"remove": str(town_hall.pk)})
    assert removed.status_code == 302
    with scopes_disabled():
        assert list(Booth.objects.values_list("name", flat=True)) == ["Library"]
    assert client.post(BOOTHS, {"remove": "999999"}).status_code == 404


def test_the_booths_page_is_for_the_budgets_admins(client, officer, madrid_admin, budget, town_hall):
    for someone in (officer, madrid_admin):
        client.force_login(someone)
        assert client.get(BOOTHS).status_code in (403, 404)
        assert client.post(BOOTHS, {"remove": str(town_hall.pk)}).status_code in (403, 404)
    with scopes_disabled():
        assert Booth.objects.count() == 1


def test_another_jurisdictions_booth_cannot_be_removed_or_reported(
    client, paris, madrid, paris_admin, officer, budget, town_hall
):
    with scopes_disabled():
        theirs = BoothFactory(budget=BudgetFactory(jurisdiction=madrid, slug="madrid-2026"), name="Cibeles")
    client.force_login(paris_admin)
    assert client.post(BOOTHS, {"remove": str(theirs.pk)}).status_code == 404
    client.force_login(officer)
    refused = client.post(TOTALS, {"booth": theirs.pk, "day": today(paris).isoformat(), "count": "1"})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    with scopes_disabled():
        assert Booth.objects.count() == 2 and not BoothTotal.objects.exists()


def test_residents_see_where_to_ballot_on_paper(client, budget, town_hall):
    with scopes_disabled():
        BoothFactory(budget=budget, name="Library")
    page = client.get("/paris/budgets/paris-2026/").content.decode()
    assert "Ballot online, or on paper at a polling booth: Library, Town hall." in page
