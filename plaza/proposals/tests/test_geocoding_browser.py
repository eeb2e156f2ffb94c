"""A proposal located by a typed address, in a real browser: the question among several places, axe-clean."""

import pytest
from playwright.sync_api import expect

from plaza.core.tests.factories import GazetteerEntryFactory
from plaza.proposals.models import Proposal
from plaza.proposals.tests.test_browser import component, people  # noqa: F401 - the fixtures

pytestmark = pytest.mark.browser


def test_the_question_among_places_and_the_proposal_page(page, axe, sign_in, component, people):  # noqa: F811
    madrid = component.jurisdiction
    GazetteerEntryFactory(jurisdiction=madrid, street="Calle Mayor", number="1", latitude=40.4167, longitude=-3.7050)
    GazetteerEntryFactory(
        jurisdiction=madrid, street="Calle Mayor", number="1", city="Alcorcón", latitude=40.3230, longitude=-3.8710
    )
    sign_in(page, people["resident"])
    page.goto(f"{component.get_absolute_url()}new/")
    page.get_by_role("region", name="Write your proposal").locator("#id_title").fill("Bancos en la calle Mayor")
    page.locator("#id_summary").fill("Más bancos para descansar.")
    page.locator("#id_body").fill("Faltan bancos entre Sol y la plaza Mayor.")
    page.get_by_role("textbox", name="Location").fill("calle mayor 1")
    page.get_by_role("button", name="Save the draft").click()
    question = page.get_by_role("group", name="Which place do you mean?")
    expect(question).to_be_visible()
    axe(page)
    question.get_by_label("Calle Mayor 1, Madrid").check()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bancos en la calle Mayor")
    expect(page.get_by_text("Calle Mayor 1, Madrid", exact=True)).to_be_visible()
    axe(page)
    assert Proposal.objects.get(title="Bancos en la calle Mayor").latitude == 40.4167
