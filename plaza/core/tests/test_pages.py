"""Core's pages as a visitor meets them: network home, jurisdiction home, language, account."""

import json

import pytest
from django.test import Client

from plaza.core.models import Role
from plaza.core.tenancy import across_jurisdictions
from plaza.core.tests.factories import JurisdictionFactory, PhaseFactory, ProcessFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_network_home_lists_the_tree_and_open_processes(client, unscoped):
    network = JurisdictionFactory(slug="net", name="The Network", kind="network")
    gauteng = JurisdictionFactory(slug="gauteng", name="Gauteng", parent=network, kind="province")
    JurisdictionFactory(slug="tshwane", name="Tshwane", parent=gauteng)
    PhaseFactory(process=ProcessFactory(jurisdiction=gauteng, title="Open data standards"))
    page = client.get("/").content.decode()
    open_now, tree = page.split('id="members-title"')
    assert tree.index("The Network") < tree.index("Gauteng") < tree.index("Tshwane")
    assert "Open data standards" in open_now


def test_network_home_query_count_is_fixed(client, django_assert_max_num_queries, unscoped):
    for _n in range(5):
        PhaseFactory(process=ProcessFactory(jurisdiction=JurisdictionFactory()))
    with django_assert_max_num_queries(6):
        client.get("/")


def test_jurisdiction_home_in_the_jurisdictions_languages(client, madrid, unscoped):
    ProcessFactory(jurisdiction=madrid, title="Presupuestos")
    page = client.get("/madrid/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'lang="es"' in page  # French is not offered by Madrid, so its default language is used
    assert "Presupuestos" in page
    page = client.get("/madrid/?lang=en").content.decode()
    assert 'lang="en"' in page


def test_profile_download_and_delete(client, paris, unscoped):
    user = UserFactory(public_name="Camille")
    RoleGrantFactory(jurisdiction=paris, user=user, role=Role.MODERATOR)
    client.force_login(user)
    assert client.post("/account/", {"public_name": "Camille D.", "language": "fr"}).status_code == 302
    data = json.loads(client.get("/account/data.json").content)
    assert data["account"]["public_name"] == "Camille D."
    assert data["roles"] == [{"jurisdiction": "paris", "role": "moderator", "process": None}]
    assert client.post("/account/delete/", {"confirm": "nope"}).status_code == 400
    assert client.post("/account/delete/", {"confirm": "DELETE"}).status_code == 302
    with across_jurisdictions():
        assert not type(user).objects.filter(pk=user.pk).exists()


def test_signup_sends_a_confirmation_email(client, mailoutbox, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": "a-Long-passphrase-42", "password2": "a-Long-passphrase-42"},
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "new@example.org" in mailoutbox[0].to


def test_without_a_browser_preference_the_jurisdictions_default_language_is_used(madrid):
    client = Client()
    page = client.get("/madrid/").content.decode()
    assert 'lang="es"' in page
    page = client.get("/madrid/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content.decode()
    assert 'lang="en"' in page


def test_back_office_link_only_for_those_with_a_role_here(client, paris, paris_admin, madrid_admin):
    client.force_login(madrid_admin)
    assert "/paris/manage/" not in client.get("/paris/").content.decode()
    client.force_login(paris_admin)
    assert 'href="/paris/manage/"' in client.get("/paris/").content.decode()


def test_jurisdiction_home_reads_its_ancestors_without_a_query_each(client, django_assert_max_num_queries, unscoped):
    network = JurisdictionFactory(slug="net", name="Network", kind="network")
    country = JurisdictionFactory(slug="za", name="South Africa", parent=network, kind="country")
    province = JurisdictionFactory(slug="gp", name="Gauteng", parent=country, kind="province")
    JurisdictionFactory(slug="tshwane", name="Tshwane", parent=province)
    with django_assert_max_num_queries(4):  # jurisdiction with its parents, processes, phases, children
        page = client.get("/tshwane/").content.decode()
    assert page.index("Network") < page.index("South Africa") < page.index("Gauteng")
