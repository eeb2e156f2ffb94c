"""The proposals pages in a real browser, with axe-core, and without JavaScript."""

import re

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


@pytest.fixture
def people(component):
    from plaza.core.models import Role
    from plaza.core.tests.factories import RoleGrantFactory, UserFactory
    from plaza.proposals.tests.factories import verified_user

    moderator = UserFactory()
    RoleGrantFactory(user=moderator, jurisdiction=component.jurisdiction, role=Role.MODERATOR)
    return {"resident": verified_user(component.jurisdiction), "moderator": moderator}


def test_a_proposal_page_supports_with_a_keyboard_and_is_accessible(page, axe, sign_in, component, people):
    from plaza.proposals.models import Proposal

    proposal = Proposal.objects.get(title="Más carriles bici")
    sign_in(page, people["resident"])
    page.goto(proposal.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Más carriles bici")
    axe(page)
    button = page.get_by_role("button", name="Support this proposal")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("You support this proposal.")).to_be_visible()
    axe(page)


def test_the_new_proposal_page_checks_similar_titles_and_is_accessible(page, axe, sign_in, component, people):
    sign_in(page, people["resident"])
    page.goto(f"{component.get_absolute_url()}new/")
    axe(page)
    page.get_by_label("Title of your proposal").fill("Carriles bici")
    page.get_by_role("button", name="Check for similar proposals").click()
    expect(page.get_by_role("link", name="Más carriles bici")).to_be_visible()
    picker = page.get_by_role("application", name="Map to pick the location")
    expect(picker).to_be_visible()
    picker.click()  # the middle: the zoom buttons are in the top corner
    expect(page.get_by_role("textbox", name="Location")).to_have_value(re.compile(r"^-?\d+\.\d{5}, -?\d+\.\d{5}$"))
    axe(page)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page)


def test_debate_pages_are_accessible(page, axe, sign_in, component, people):
    from plaza.proposals.tests.factories import DebateFactory

    debate = DebateFactory(component=component, title="¿Cerramos la Gran Vía?")
    page.goto(f"{component.get_absolute_url()}debates/")
    axe(page)
    sign_in(page, people["resident"])
    page.goto(debate.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("¿Cerramos la Gran Vía?")
    axe(page)


def test_moderation_pages_are_accessible(page, axe, sign_in, component, people):
    from plaza.proposals.models import Proposal

    proposal = Proposal.objects.get(title="Fuentes en los parques")
    sign_in(page, people["moderator"])
    page.goto(f"{proposal.get_absolute_url()}hide/")
    page.get_by_role("button", name="Hide the proposal").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page)
    page.goto(f"{proposal.get_absolute_url()}merge/")
    axe(page)
    page.goto(f"{component.get_absolute_url()}synthesis/")
    axe(page)
    ProposalFactory(component=component, title="Cheap bikes", status=Proposal.Status.HELD, held_reason="many links")
    page.goto(f"{component.get_absolute_url()}moderation/")
    expect(page.get_by_role("link", name="Cheap bikes", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Publish “Cheap bikes”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cheap bikes")
    axe(page)


def test_bulk_moderation_and_blocking_are_accessible(page, axe, sign_in, component, people):
    from plaza.proposals.models import Proposal
    from plaza.proposals.tests.factories import DebateFactory

    author = people["resident"]
    for title in ("Cheap bikes", "Cheap cars"):
        ProposalFactory(
            component=component, title=title, status=Proposal.Status.HELD, held_reason="many links", author=author
        )
    DebateFactory(component=component, title="Buy now?", held_reason="many links")
    from plaza.core.models import CommentFlag
    from plaza.core.tests.factories import UserFactory

    target = ProposalFactory(component=component, title="Shade for the square")
    rude = _reported_comment(target, author, "Buy cheap watches here", UserFactory())
    kept = _reported_comment(target, UserFactory(public_name="Lola"), "Shade helps the elderly", UserFactory())
    sign_in(page, people["moderator"])
    page.goto(f"{component.get_absolute_url()}moderation/")
    page.get_by_role("button", name="Apply to the selected items").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page)
    page.get_by_role("checkbox", name="Cheap bikes").check()
    page.get_by_role("checkbox", name="Buy now?").check()
    page.get_by_role("checkbox", name=re.compile("Buy cheap watches here")).check()
    page.get_by_role("radio", name="Hide them").check()
    page.get_by_label("Public reason (to hide)").fill("Advertising")
    page.get_by_role("button", name="Apply to the selected items").click()
    expect(page.get_by_text("Done: 1 proposals, 1 debates and 1 comments.")).to_be_visible()
    expect(page.get_by_role("link", name="Cheap bikes", exact=True)).to_have_count(0)
    axe(page)
    page.get_by_role("checkbox", name=re.compile("Shade helps the elderly")).check()
    page.get_by_role("radio", name="Publish them").check()
    page.get_by_role("button", name="Apply to the selected items").click()
    expect(page.get_by_text("Done: 0 proposals, 0 debates and 1 comments.")).to_be_visible()
    expect(page.get_by_role("heading", name="Reported comments").locator("xpath=..")).to_contain_text("None.")
    rude.refresh_from_db()
    kept.refresh_from_db()
    assert rude.is_hidden and rude.hidden_reason == "Advertising" and not kept.is_hidden
    assert not CommentFlag.objects.filter(resolved_at=None).exists()
    page.get_by_role("link", name=f"Block {author.display_name}").first.click()
    axe(page)
    page.get_by_label("Public reason").fill("Fake account")
    page.get_by_role("button", name="Block the account").click()
    expect(page.get_by_role("button", name=f"Unblock {author.display_name}")).to_be_visible()
    axe(page)
    assert Proposal.objects.get(title="Cheap cars").status == Proposal.Status.HIDDEN


def _reported_comment(target, author, body, reporter):
    from plaza.core.models import Comment, CommentFlag

    comment = Comment.objects.create(jurisdiction=target.jurisdiction, target=target, author=author, body=body)
    CommentFlag.objects.create(jurisdiction=target.jurisdiction, comment=comment, user=reporter, reason="spam")
    return comment


def test_the_synthesis_correction_page_is_accessible(page, axe, sign_in, component):
    from plaza.core.models import Role
    from plaza.core.tests.factories import RoleGrantFactory, UserFactory
    from plaza.proposals import operations
    from plaza.proposals.models import Proposal

    official = UserFactory()
    RoleGrantFactory(user=official, jurisdiction=component.jurisdiction, role=Role.OFFICIAL)
    proposal = Proposal.objects.get(title="Más carriles bici")
    synthesis = operations.publish_synthesis(
        actor=official,
        component=component,
        title="Lo que oímos",
        groups=[operations.SynthesisGroupText("Movilidad", "Sí.", [proposal.pk])],
    )
    sign_in(page, official)
    page.goto(f"{synthesis.get_absolute_url()}edit/")
    page.get_by_label("Answer").fill("")
    page.get_by_role("button", name="Save the correction").click()
    axe(page)
    page.get_by_label("Answer").fill("Sí, en 2027.")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("Sí, en 2027.")).to_be_visible()
    axe(page)


def test_regrouping_a_synthesis_is_accessible_and_moves_the_answer(page, axe, sign_in, component):
    from plaza.core.models import Role
    from plaza.core.tests.factories import RoleGrantFactory, UserFactory
    from plaza.proposals import operations
    from plaza.proposals.models import Proposal

    official = UserFactory()
    RoleGrantFactory(user=official, jurisdiction=component.jurisdiction, role=Role.OFFICIAL)
    bikes, fountains = (
        Proposal.objects.get(title="Más carriles bici"),
        Proposal.objects.get(title="Fuentes en los parques"),
    )
    synthesis = operations.publish_synthesis(
        actor=official,
        component=component,
        title="Lo que oímos",
        groups=[operations.SynthesisGroupText("Movilidad", "Sí.", [bikes.pk, fountains.pk])],
    )
    sign_in(page, official)
    page.goto(synthesis.get_absolute_url())
    page.get_by_role("link", name="Regroup the proposals").click()
    axe(page)
    page.get_by_role("button", name="Save the new groupings").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page)
    page.get_by_label("Proposal numbers").first.fill(str(bikes.pk))
    page.get_by_label("Group title").nth(1).fill("Agua")
    page.get_by_label("Answer").nth(1).fill("Fuentes nuevas en 2027.")
    page.get_by_label("Proposal numbers").nth(1).fill(str(fountains.pk))
    page.get_by_label("Why regroup (public)").fill("Las fuentes no son movilidad")
    page.get_by_role("button", name="Save the new groupings").click()
    expect(page.get_by_role("heading", name="Agua")).to_be_visible()
    axe(page)
    page.goto(fountains.get_absolute_url())
    expect(page.get_by_text("Fuentes nuevas en 2027.")).to_be_visible()


def test_the_map_page_and_the_synthesis_form_are_accessible(page, axe, sign_in, component):
    from plaza.core.models import Role
    from plaza.core.tests.factories import RoleGrantFactory, UserFactory

    page.goto(f"{component.get_absolute_url()}map/")
    expect(page.get_by_role("link", name="Más carriles bici")).to_be_visible()
    axe(page)
    official = UserFactory()
    RoleGrantFactory(user=official, jurisdiction=component.jurisdiction, role=Role.OFFICIAL)
    sign_in(page, official)
    page.goto(f"{component.get_absolute_url()}synthesis/new/")
    axe(page)


def test_supporting_and_checking_titles_work_without_javascript(page_without_js, sign_in, component, people):
    # No axe here: axe-core is JavaScript injected into the page, and with JavaScript off its
    # evaluation never returns; that is what hung these tests before. The JS pages above run axe.
    from plaza.proposals.models import Proposal

    page = page_without_js
    sign_in(page, people["resident"])
    page.goto(f"{component.get_absolute_url()}new/")
    page.get_by_label("Title of your proposal").fill("fuentes")
    page.get_by_role("button", name="Check for similar proposals").click()
    expect(page.get_by_role("link", name="Fuentes en los parques")).to_be_visible()
    page.goto(Proposal.objects.get(title="Fuentes en los parques").get_absolute_url())
    page.get_by_role("button", name="Support this proposal").click()
    expect(page.get_by_text("You support this proposal.")).to_be_visible()
