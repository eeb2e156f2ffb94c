"""Booth ballots: a poll officer checks the census and records a paper ballot; one ballot per person across channels."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from plaza.budgets import operations
from plaza.budgets.models import Ballot, BallotLine, Budget
from plaza.budgets.tests.factories import BoothFactory, BudgetFactory, HeadingFactory, ProjectFactory
from plaza.core.models import Role, VoterRollEntry
from plaza.core.roll import AlreadyVoted
from plaza.core.tests.factories import CensusRecordFactory, RoleGrantFactory, UserFactory, VerificationFactory

pytestmark = pytest.mark.django_db

DOCUMENT = {"document_id": "12345678Z", "birth_date": date(1980, 5, 17), "postal_code": "75011"}
BOOTH = "/paris/budgets/paris-2026/booth/"


@pytest.fixture
def officer(paris):
    user = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=user, role=Role.POLL_OFFICER)
    return user


@pytest.fixture
def town_hall(budget):
    with scopes_disabled():
        return BoothFactory(budget=budget, name="Town hall")


@pytest.fixture
def library(budget):
    with scopes_disabled():
        return BoothFactory(budget=budget, name="Library")


@pytest.fixture
def census_record(paris):
    with scopes_disabled():
        return CensusRecordFactory(jurisdiction=paris, **DOCUMENT)


def stored():
    with scopes_disabled():
        return Ballot.objects.count(), BallotLine.objects.count(), VoterRollEntry.objects.count()


def test_an_officer_records_a_paper_ballot_across_headings(
    paris, officer, census_record, budget, heading, projects, town_hall, library
):
    with scopes_disabled():
        other = HeadingFactory(budget=budget, slug="12e", name="12th")
        pool = ProjectFactory(heading=other, title="Pool")
    ballot = operations.cast_at_booth(
        officer=officer,
        budget=budget,
        booth=town_hall,
        choices={heading.pk: {projects[0].pk: 1}, other.pk: {pool.pk: 1}},
        **DOCUMENT,
    )
    assert ballot.channel == "booth" and ballot.person.census_record == census_record
    with scopes_disabled():
        entry = VoterRollEntry.objects.get()
        assert (entry.channel, entry.booth, entry.election_key) == ("booth", "Town hall", budget.election_key)
        assert sorted(ballot.lines.values_list("project__title", flat=True)) == ["Garden", "Pool"]
    with pytest.raises(AlreadyVoted, match="at a polling booth"):
        operations.cast_at_booth(
            officer=officer, budget=budget, booth=library, choices={heading.pk: {projects[1].pk: 1}}, **DOCUMENT
        )
    assert stored() == (1, 2, 1)


def test_bad_booth_ballots_are_refused_and_nothing_is_written(
    paris, officer, census_record, budget, heading, projects, resident, town_hall
):
    with pytest.raises(PermissionDenied):
        operations.cast_at_booth(
            officer=resident, budget=budget, booth=town_hall, choices={heading.pk: {projects[0].pk: 1}}, **DOCUMENT
        )
    with pytest.raises(ValidationError, match="not on the census"):
        operations.cast_at_booth(
            officer=officer,
            budget=budget,
            booth=town_hall,
            choices={heading.pk: {projects[0].pk: 1}},
            **(DOCUMENT | {"postal_code": "75012"}),
        )
    with pytest.raises(ValidationError, match="remove some"):
        operations.cast_at_booth(
            officer=officer,
            budget=budget,
            booth=town_hall,
            choices={heading.pk: {p.pk: 1 for p in projects}},
            **DOCUMENT,
        )
    with pytest.raises(ValidationError, match="empty"):
        operations.cast_at_booth(officer=officer, budget=budget, booth=town_hall, choices={heading.pk: {}}, **DOCUMENT)
    with scopes_disabled():
        elsewhere = BoothFactory(budget=BudgetFactory(jurisdiction=paris), name="Town hall")
    for wrong in (None, elsewhere):
        with pytest.raises(ValidationError) as no_booth:
            operations.cast_at_booth(
                officer=officer, budget=budget, booth=wrong, choices={heading.pk: {projects[0].pk: 1}}, **DOCUMENT
            )
        assert "booth" in no_booth.value.message_dict
    budget.phase = Budget.Phase.FINISHED
    budget.save()
    with pytest.raises(ValidationError, match="phase"):
        operations.cast_at_booth(
            officer=officer, budget=budget, booth=town_hall, choices={heading.pk: {projects[0].pk: 1}}, **DOCUMENT
        )
    assert stored() == (0, 0, 0)


def test_one_ballot_per_person_whether_online_or_at_a_booth(
    paris, officer, census_record, budget, heading, projects, town_hall
):
    with scopes_disabled():
        online = VerificationFactory(jurisdiction=paris, person__census_record=census_record).user
    operations.cast_ballot(actor=online, budget=budget, heading=heading, choices={projects[0].pk: 1})
    with pytest.raises(AlreadyVoted, match="online"):
        operations.cast_at_booth(
            officer=officer, budget=budget, booth=town_hall, choices={heading.pk: {projects[1].pk: 1}}, **DOCUMENT
        )
    assert stored() == (1, 1, 1)


def test_a_booth_ballot_is_final_online(paris, officer, census_record, budget, heading, projects, town_hall):
    operations.cast_at_booth(
        officer=officer, budget=budget, booth=town_hall, choices={heading.pk: {projects[0].pk: 1}}, **DOCUMENT
    )
    with scopes_disabled():
        person = Ballot.objects.get().person
        account = VerificationFactory(jurisdiction=paris, person=person).user
    for revision in (None, 1):
        with pytest.raises(AlreadyVoted, match="booth"):
            operations.cast_ballot(
                actor=account, budget=budget, heading=heading, choices={projects[1].pk: 1}, revision=revision
            )
    with scopes_disabled():
        assert list(BallotLine.objects.values_list("project__title", flat=True)) == ["Garden"]


# --- The page ---------------------------------------------------------------------------------


def form(booth, heading, *picks, **changes):
    return {
        "booth": booth.pk,
        "document_id": DOCUMENT["document_id"],
        "date_of_birth": "1980-05-17",
        "postal_code": "75011",
        f"project-{heading.pk}": [p.pk for p in picks],
    } | changes


def test_the_booth_page_records_then_refuses_a_second_ballot(
    client, officer, census_record, budget, heading, projects, town_hall, library
):
    client.force_login(officer)
    assert "Record ballots at a booth" in client.get("/paris/budgets/paris-2026/").content.decode()
    page = client.get(BOOTH + f"?booth={town_hall.pk}").content.decode()
    assert f'<option value="{town_hall.pk}" selected>Town hall</option>' in page and "Garden — €60,000" in page
    done = client.post(BOOTH, form(town_hall, heading, projects[0]))
    assert done.status_code == 200 and "The ballot is recorded at Town hall" in done.content.decode()
    assert f"?booth={town_hall.pk}" in done.content.decode()  # the next ballot starts at the same booth
    again = client.post(BOOTH, form(library, heading, projects[1]))
    assert again.status_code == 400 and "already voted in this election, at a polling booth" in again.content.decode()
    unknown = client.post(BOOTH, form(town_hall, heading, projects[1], document_id="99999999R"))
    assert unknown.status_code == 400 and "not on the census" in unknown.content.decode()
    assert stored() == (1, 1, 1)


def test_the_booth_page_is_for_poll_officers(client, resident, budget, heading):
    client.force_login(resident)
    assert client.get(BOOTH).status_code == 403


def test_the_booth_page_asks_for_a_booth_first(client, officer, census_record, budget, heading, projects, paris):
    client.force_login(officer)
    page = client.get(BOOTH).content.decode()
    assert "No booth is set up for this budget yet" in page and "Record the ballot" not in page
    with scopes_disabled():
        elsewhere = BoothFactory(budget=BudgetFactory(jurisdiction=paris), name="Other budget's hall")
    refused = client.post(BOOTH, form(elsewhere, heading, projects[0]))
    assert refused.status_code == 400 and stored() == (0, 0, 0)


def test_the_booth_page_pins_its_queries(
    client, officer, budget, heading, projects, town_hall, django_assert_num_queries
):
    client.force_login(officer)
    client.get(BOOTH)
    # 11 before booths were chosen; then whether the budget has any, and its booths for the select (which Django
    # reads twice: once more to decide the `required` attribute).
    with django_assert_num_queries(14) as few:
        assert client.get(BOOTH).status_code == 200
    with scopes_disabled():
        ProjectFactory.create_batch(3, heading=heading)
        ProjectFactory.create_batch(2, heading=HeadingFactory(budget=budget))
    with django_assert_num_queries(len(few.captured_queries)):  # more headings and projects, no more queries
        client.get(BOOTH)
