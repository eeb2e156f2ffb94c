"""A proposal's location typed as an address: geocoded, asked about when several places match, shown with its point."""

import re

import pytest

from plaza.core.tests.factories import GazetteerEntryFactory, UserFactory
from plaza.proposals.models import Proposal
from plaza.proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gazetteer(madrid, unscoped):
    GazetteerEntryFactory(jurisdiction=madrid, street="Calle de Alcalá", number="45", postcode="28014")
    GazetteerEntryFactory(
        jurisdiction=madrid, street="Calle Mayor", number="1", city="Madrid", latitude=40.4156, longitude=-3.7079
    )
    GazetteerEntryFactory(
        jurisdiction=madrid, street="Calle Mayor", number="1", city="Alcorcón", latitude=40.3230, longitude=-3.8710
    )


def propose(client, component, location, **extra):
    data = {"title": "Benches", "summary": "More benches.", "body": "Please.", "location": location, **extra}
    return client.post(f"{component.get_absolute_url()}new/", data)


def choices(page: str) -> dict[str, str]:
    found = re.findall(r'<input type="radio" name="location_choice" value="([^"]+)"[^>]*>\s*([^<]+)</label>', page)
    return {label.strip(): value for value, label in found}


def test_an_address_is_geocoded_and_shown_with_its_point(client, component, gazetteer):
    client.force_login(UserFactory())
    response = propose(client, component, "c/ alcala, 45")
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert (proposal.latitude, proposal.longitude, proposal.address) == (40.4189, -3.6967, "Calle de Alcalá 45, Madrid")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Calle de Alcalá 45, Madrid" in page and "40.4189, -3.6967" in page


def test_several_places_ask_which_and_the_answer_is_kept(client, component, gazetteer):
    client.force_login(UserFactory())
    response = propose(client, component, "Calle Mayor 1")
    offered = choices(response.content.decode())
    assert response.status_code == 400 and set(offered) == {"Calle Mayor 1, Madrid", "Calle Mayor 1, Alcorcón"}
    assert not Proposal.objects.exists()
    assert (
        propose(client, component, "Calle Mayor 1", location_choice=offered["Calle Mayor 1, Alcorcón"]).status_code
        == 302
    )
    proposal = Proposal.objects.get()
    assert (proposal.latitude, proposal.address) == (40.3230, "Calle Mayor 1, Alcorcón")


def test_editing_keeps_the_geocoded_address_without_asking_again(client, component, gazetteer):
    author = UserFactory()
    client.force_login(author)
    offered = choices(propose(client, component, "Calle Mayor 1").content.decode())
    propose(client, component, "Calle Mayor 1", location_choice=offered["Calle Mayor 1, Alcorcón"])
    proposal = Proposal.objects.get()
    form = client.get(f"{proposal.get_absolute_url()}edit/").content.decode()
    assert 'value="Calle Mayor 1, Alcorcón"' in form
    choice = re.search(r'name="location_choice" value="([^"]+)"', form).group(1)
    data = {"title": "Benches!", "summary": "More benches.", "body": "Please.", "location": "Calle Mayor 1, Alcorcón"}
    response = client.post(f"{proposal.get_absolute_url()}edit/", {**data, "location_choice": choice})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.latitude, proposal.address) == ("Benches!", 40.3230, "Calle Mayor 1, Alcorcón")


def test_an_unknown_address_is_refused_with_the_text_kept(client, component, gazetteer):
    client.force_login(UserFactory())
    response = propose(client, component, "Calle Inventada 7")
    page = response.content.decode()
    assert response.status_code == 400 and "We could not find “Calle Inventada 7”" in page
    assert 'value="Calle Inventada 7"' in page and not Proposal.objects.exists()


def test_without_a_gazetteer_only_coordinates_are_understood(client, component):
    client.force_login(UserFactory())
    response = propose(client, component, "Calle Mayor 1")
    assert response.status_code == 400 and "We could not find “Calle Mayor 1”" in response.content.decode()
    assert propose(client, component, "40.41, -3.70").status_code == 302


def test_a_picked_point_shows_the_nearest_known_address_and_the_api_gives_the_address(client, component, gazetteer):
    picked = ProposalFactory(
        component=component, status=Proposal.Status.PUBLISHED, latitude=40.41895, longitude=-3.6967
    )
    page = client.get(picked.get_absolute_url()).content.decode()
    assert "Nearest known address: Calle de Alcalá 45, Madrid (about 6 m away)" in page
    typed = ProposalFactory(
        component=component,
        status=Proposal.Status.PUBLISHED,
        latitude=40.4156,
        longitude=-3.7079,
        address="Calle Mayor 1, Madrid",
    )
    found = client.get(f"/api/v1/proposals/{component.jurisdiction.slug}/proposals/{typed.pk}").json()
    assert found["address"] == "Calle Mayor 1, Madrid"
