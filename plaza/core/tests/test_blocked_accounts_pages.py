"""The back office's blocked accounts: the list, blocking (from the queue or by e-mail address), lifting a block."""

import pytest

from plaza.core.models import AuditEntry, BlockedAccount, Comment, Role
from plaza.core.operations.comments import flag_comment, post_comment
from plaza.core.operations.moderation import block_account
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import ComponentStepFactory, PhaseFactory, ProcessFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST = "/paris/manage/moderation/blocked/"


@pytest.fixture
def process(paris, unscoped):
    found = ProcessFactory(jurisdiction=paris, slug="climate", title="Climate plan")
    ComponentStepFactory(phase=PhaseFactory(process=found), actions=["comment"])
    return found


@pytest.fixture
def moderator(paris, unscoped):
    user = UserFactory(public_name="Mod", email="mod@paris.example")
    RoleGrantFactory(jurisdiction=paris, user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def troll(db):
    return UserFactory(public_name="Troll", email="troll@example.org")


def _comment(troll, process):
    with jurisdiction_scope(process.jurisdiction):
        return post_comment(actor=troll, target=process, body="Rude words")


def test_a_moderator_blocks_from_the_queue_and_unblocks_from_the_list(client, process, moderator, troll):
    rude = _comment(troll, process)
    flag_comment(actor=UserFactory(), comment=rude, reason="offensive")
    client.force_login(moderator)
    queue = client.get("/paris/manage/moderation/").content.decode()
    block_url = f"/paris/manage/moderation/block/{troll.pk}/"
    assert block_url in queue and LIST in queue

    page = client.get(block_url)
    assert page.status_code == 200 and "Block Troll" in page.content.decode()
    refused = client.post(block_url, {"reason": "  "})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert not BlockedAccount.objects.exists()

    response = client.post(block_url, {"reason": "Harassment"}, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    listed = response.content.decode()
    assert "The account is blocked here" in listed and "Troll" in listed and "Harassment" in listed
    rude.refresh_from_db()
    assert rude.is_hidden and rude.hidden_reason == "Harassment"
    assert "Its author is blocked here." in client.get("/paris/manage/moderation/").content.decode()
    assert "This account is blocked here: Harassment" in client.get(block_url).content.decode()
    assert client.post(block_url, {"reason": "Again"}).status_code == 400  # already blocked: nothing changes
    assert BlockedAccount.objects.get().reason == "Harassment"

    assert client.get(f"/paris/manage/moderation/unblock/{troll.pk}/").status_code == 405  # a GET changes nothing
    response = client.post(f"/paris/manage/moderation/unblock/{troll.pk}/", follow=True)
    assert "what the block hid is shown again" in response.content.decode()
    assert not BlockedAccount.objects.exists()
    rude.refresh_from_db()
    assert not rude.is_hidden
    again = client.post(f"/paris/manage/moderation/unblock/{troll.pk}/", follow=True).content.decode()
    assert "This account is not blocked." in again
    with jurisdiction_scope(process.jurisdiction):
        assert list(
            AuditEntry.objects.filter(is_public=True, action__startswith="account.")
            .values_list("action", flat=True)
            .order_by("pk")
        ) == ["account.block", "account.unblock"]


def test_an_admin_blocks_an_account_by_its_email_address(client, paris, paris_admin, process, troll):
    rude = _comment(troll, process)
    client.force_login(paris_admin)
    assert "No account is blocked here." in client.get(LIST).content.decode()
    unknown = client.post(LIST, {"email": "nobody@example.org", "reason": "Spam"})
    assert unknown.status_code == 400 and "No account uses this e-mail address." in unknown.content.decode()
    too_long = client.post(LIST, {"email": "troll@example.org", "reason": "x" * 301})
    assert too_long.status_code == 400 and not BlockedAccount.objects.exists()
    mine = client.post(LIST, {"email": paris_admin.email, "reason": "Testing"})
    assert mine.status_code == 400 and "You cannot block your own account." in mine.content.decode()

    assert client.post(LIST, {"email": "TROLL@example.org", "reason": "Spam"}).status_code == 302
    block = BlockedAccount.objects.get()
    assert (block.user, block.blocked_by, block.jurisdiction) == (troll, paris_admin, paris)
    assert Comment.objects.get(pk=rude.pk).is_hidden


def test_only_the_jurisdictions_moderators_and_admins_open_the_pages(client, paris, madrid, process, troll, unscoped):
    block_account(actor=UserFactory(is_superuser=True), jurisdiction=paris, user=troll, reason="Harassment")
    urls = [LIST, f"/paris/manage/moderation/block/{troll.pk}/"]
    assert client.get(LIST).status_code == 302  # signed out: to the sign-in page
    resident = UserFactory()
    process_moderator = UserFactory()
    RoleGrantFactory(jurisdiction=paris, user=process_moderator, role=Role.MODERATOR, process=process)
    madrid_moderator = UserFactory()
    RoleGrantFactory(jurisdiction=madrid, user=madrid_moderator, role=Role.MODERATOR)
    for outsider in (resident, process_moderator, madrid_moderator):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 403, url
        assert client.post(f"/paris/manage/moderation/unblock/{troll.pk}/").status_code == 403
        assert client.post(LIST, {"email": "troll@example.org", "reason": "x"}).status_code == 403
    assert BlockedAccount.objects.get().reason == "Harassment"
    # Madrid's own list is its own: Paris's block is not in it.
    client.force_login(madrid_moderator)
    madrid_list = client.get("/madrid/manage/moderation/blocked/")
    assert madrid_list.status_code == 200 and "Harassment" not in madrid_list.content.decode()
    assert client.post(f"/madrid/manage/moderation/unblock/{troll.pk}/").status_code == 302
    assert BlockedAccount.objects.filter(jurisdiction=paris).exists()  # unblocking in Madrid leaves Paris's block
    assert client.get("/paris/manage/moderation/block/999999/").status_code == 403
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/paris/manage/moderation/block/999999/").status_code == 404
