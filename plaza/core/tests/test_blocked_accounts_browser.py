"""The back office's blocked accounts in a real browser: axe-core finds nothing, and blocking works without JS."""

import pytest
from playwright.sync_api import expect

from plaza.core.models import BlockedAccount, Comment, Role
from plaza.core.operations.comments import flag_comment, post_comment
from plaza.core.tenancy import across_jurisdictions
from plaza.core.tests.factories import ComponentStepFactory, PhaseFactory, ProcessFactory, RoleGrantFactory, UserFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def setting(paris):
    """A moderator, and a troll whose comment was reported."""
    with across_jurisdictions():
        process = ProcessFactory(jurisdiction=paris, slug="climate", title="Climate plan")
        ComponentStepFactory(phase=PhaseFactory(process=process), actions=["comment"])
        moderator = UserFactory(public_name="Mod")
        RoleGrantFactory(jurisdiction=paris, user=moderator, role=Role.MODERATOR)
        troll = UserFactory(public_name="Troll", email="troll@example.org")
        rude = post_comment(actor=troll, target=process, body="Rude words")
        flag_comment(actor=UserFactory(), comment=rude, reason="offensive")
    return moderator, troll, rude


def test_the_block_pages_pass_axe(page, axe, sign_in, setting):
    moderator, troll, _rude = setting
    sign_in(page, moderator)
    page.goto(f"/paris/manage/moderation/block/{troll.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Block Troll (account {troll.pk})")
    axe(page)
    page.get_by_role("button", name="Block the account").click()  # no reason: refused next to the field
    expect(page.get_by_role("alert")).to_contain_text("This field is required")
    axe(page)
    page.get_by_label("Public reason").fill("Harassment")
    page.get_by_role("button", name="Block the account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Blocked accounts")
    expect(page.get_by_role("row", name="Troll")).to_contain_text("Harassment")
    axe(page)
    page.goto(f"/paris/manage/moderation/block/{troll.pk}/")
    expect(page.get_by_role("button", name="Lift the block")).to_be_visible()
    axe(page)


def test_blocking_by_email_then_unblocking_without_javascript(page_without_js, sign_in, paris, setting):
    page = page_without_js
    moderator, troll, rude = setting
    sign_in(page, moderator)
    page.goto("/paris/manage/moderation/")
    page.get_by_role("link", name="Blocked accounts").click()
    expect(page.get_by_role("cell", name="No account is blocked here.")).to_be_visible()
    page.get_by_label("Account e-mail").fill("troll@example.org")
    page.get_by_label("Public reason").fill("Spam")
    page.get_by_role("button", name="Block the account").click()
    expect(page.get_by_role("status")).to_contain_text("The account is blocked here")
    with across_jurisdictions():
        assert BlockedAccount.objects.get().user == troll
        assert Comment.objects.get(pk=rude.pk).is_hidden
    page.get_by_role("button", name=f"Unblock Troll (account {troll.pk})").click()
    expect(page.get_by_role("status")).to_contain_text("what the block hid is shown again")
    expect(page.get_by_role("cell", name="No account is blocked here.")).to_be_visible()
    with across_jurisdictions():
        assert not BlockedAccount.objects.exists()
        assert not Comment.objects.get(pk=rude.pk).is_hidden
