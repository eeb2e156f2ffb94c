"""The proposals pages in a real browser, with axe-core, and without JavaScript."""

import pytest
from playwright.sync_api import expect

from plaza.core.sdg import load_sdg_taxonomy
from plaza.core.tests.factories import JurisdictionFactory
from plaza.proposals.tests.factories import ProposalFactory, open_component

pytestmark = pytest.mark.browser


@pytest.fixture
def component(transactional_db, unscoped):
    # Not the `madrid` fixture: it asks for `db`, whose transaction would lock SQLite against the live server.
    madrid = JurisdictionFactory(slug="madrid", name="Madrid", languages=["es", "en"], default_language="es")
    load_sdg_taxonomy()  # the live server's database is flushed between tests
    component = open_component(madrid)
    ProposalFactory(component=component, title="Más carriles bici", latitude=40.43, longitude=-3.69, support_count=2)
    ProposalFactory(component=component, title="Fuentes en los parques", category="Health")
    return component


def test_the_index_filters_and_is_accessible(page, axe, component):
    page.goto(component.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(component.title)
    expect(page.get_by_role("link", name="Más carriles bici").first).to_be_visible()
    axe(page)
    page.get_by_label("Category").select_option("Health")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="Fuentes en los parques")).to_be_visible()
    expect(page.get_by_role("link", name="Más carriles bici")).to_have_count(0)
