"""A blocked author's dataset requests: hidden from the public (lists, API, dataset pages) until the block is lifted."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from plaza.core.models import AuditEntry, Role
from plaza.core.operations.moderation import block_account, unblock_account
from plaza.core.tests.factories import RoleGrantFactory, UserFactory, VerificationFactory
from plaza.data.models import DatasetRequest
from plaza.data.operations import answer_request, submit_request, support_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(paris):
    user = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def troll(db):
    return UserFactory(public_name="Troll")


@pytest.fixture
def rant(paris, troll):
    return submit_request(actor=troll, jurisdiction=paris, title="Rant as a request", description="Abusive words")


def _seen(client, rant) -> dict[str, bool]:
    listed = client.get("/paris/data/requests/").content.decode()
    api = client.get("/api/v1/data/paris/requests").json()
    return {
        "list": "Rant as a request" in listed,
        "api list": any(r["title"] == "Rant as a request" for r in api),
        "api": client.get(f"/api/v1/data/paris/requests/{rant.pk}").status_code == 200,
        "dataset page": "Rant as a request" in client.get("/paris/data/air-quality/").content.decode(),
    }


def test_a_blocked_authors_request_is_hidden_from_the_public_and_shown_again_after_unblocking(
    client, paris, moderator, troll, rant, air, env_official
):
    answer_request(actor=env_official, request=rant, status="published", dataset=air)
    other = submit_request(actor=UserFactory(), jurisdiction=paris, title="Street trees", description="For shade")
    assert all(_seen(client, rant).values())

    block_account(actor=moderator, jurisdiction=paris, user=troll, reason="Harassment")
    assert _seen(client, rant) == {"list": False, "api list": False, "api": False, "dataset page": False}
    assert "Street trees" in client.get("/paris/data/requests/").content.decode()
    page = client.get(rant.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200 and "A moderator hid this request: Harassment" in text
    assert "Abusive words" not in text and "Support this request" not in text
    with scopes_disabled():
        other.refresh_from_db()
        assert other.hidden_reason == ""
        assert AuditEntry.objects.get(action="account.block").data["dataset_requests"] == 1

    unblock_account(actor=moderator, jurisdiction=paris, user=troll)
    assert all(_seen(client, rant).values())
    assert "Abusive words" in client.get(rant.get_absolute_url()).content.decode()
    with scopes_disabled():
        assert AuditEntry.objects.get(action="account.unblock").data["dataset_requests"] == 1


def test_a_hidden_request_takes_no_support_and_no_answer_form(client, paris, moderator, troll, rant, env_official):
    supporter = UserFactory()
    with scopes_disabled():
        VerificationFactory(jurisdiction=paris, user=supporter)
    block_account(actor=moderator, jurisdiction=paris, user=troll, reason="Harassment")
    with pytest.raises(ValidationError, match="A moderator hid this request"):
        support_request(actor=supporter, request=rant)
    client.force_login(env_official)
    assert "Publish the answer" not in client.get(rant.get_absolute_url()).content.decode()
    with scopes_disabled():
        assert DatasetRequest.objects.get(pk=rant.pk).support_count == 0


def test_a_block_in_another_jurisdiction_leaves_the_request(client, paris, madrid, troll, rant):
    madrid_moderator = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=madrid, user=madrid_moderator, role=Role.MODERATOR)
    block_account(actor=madrid_moderator, jurisdiction=madrid, user=troll, reason="Spam")
    with scopes_disabled():
        rant.refresh_from_db()
        assert rant.hidden_reason == ""
        assert AuditEntry.objects.get(action="account.block").data["dataset_requests"] == 0
    assert "Rant as a request" in client.get("/paris/data/requests/").content.decode()
