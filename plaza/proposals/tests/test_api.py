"""The API: public lists and details of proposals and debates; supports by a token with the write scope."""

import pytest

from plaza.core.models import ApiToken
from plaza.core.tests.factories import ApiTokenFactory
from plaza.proposals.models import Proposal, Support
from plaza.proposals.tests.factories import DebateFactory, ProposalFactory, verified_user

pytestmark = pytest.mark.django_db


def test_lists_public_proposals_with_support_counts(client, component):
    ProposalFactory(component=component, title="Visible", support_count=3)
    ProposalFactory(component=component, title="Hidden", status=Proposal.Status.HIDDEN, hidden_reason="x")
    ProposalFactory(component=component, title="Draft", status=Proposal.Status.DRAFT)
    body = client.get("/api/v1/proposals/madrid/proposals").json()
    assert body["count"] == 1
    assert (body["items"][0]["title"], body["items"][0]["supports"]) == ("Visible", 3)
    assert "email" not in body["items"][0]


def test_a_hidden_proposal_is_not_found(client, component):
    hidden = ProposalFactory(component=component, status=Proposal.Status.HIDDEN, hidden_reason="x")
    response = client.get(f"/api/v1/proposals/madrid/proposals/{hidden.pk}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_debates_are_listed(client, component):
    debate = DebateFactory(component=component, title="Trams?")
    assert client.get("/api/v1/proposals/madrid/debates").json()["items"][0]["title"] == "Trams?"
    assert client.get(f"/api/v1/proposals/madrid/debates/{debate.pk}").json()["agree"] == 0


def _post_support(client, proposal, token):
    return client.post(
        f"/api/v1/proposals/madrid/proposals/{proposal.pk}/support", HTTP_AUTHORIZATION=f"Bearer {token.secret}"
    )


def test_support_with_a_write_token(client, component):
    proposal = ProposalFactory(component=component)
    user = verified_user(component.jurisdiction)
    token = ApiTokenFactory(user=user, scope=ApiToken.Scope.WRITE)
    response = _post_support(client, proposal, token)
    assert response.status_code == 201 and response.json()["supports"] == 1
    again = _post_support(client, proposal, token)
    assert again.status_code == 422 and again.json()["error"]["code"] == "invalid"
    assert Support.objects.count() == 1


def test_a_read_token_or_an_unverified_account_cannot_support(client, component):
    proposal = ProposalFactory(component=component)
    read = ApiTokenFactory(user=verified_user(component.jurisdiction), scope=ApiToken.Scope.READ)
    assert _post_support(client, proposal, read).status_code == 403
    unverified = ApiTokenFactory(scope=ApiToken.Scope.WRITE)
    assert _post_support(client, proposal, unverified).status_code == 403
    assert client.post(f"/api/v1/proposals/madrid/proposals/{proposal.pk}/support").status_code == 401
    assert not Support.objects.exists()


def test_a_blocked_account_is_refused_through_the_api_and_its_comments_stop_counting(
    client, component, django_capture_on_commit_callbacks
):
    from plaza.core.models import Role
    from plaza.core.operations.comments import post_comment
    from plaza.core.operations.moderation import block_account
    from plaza.core.tests.factories import RoleGrantFactory, UserFactory

    proposal = ProposalFactory(component=component)
    troll = verified_user(component.jurisdiction)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(actor=troll, target=proposal, body="Rude")
        post_comment(actor=UserFactory(), target=proposal, body="Kind")
    url = f"/api/v1/proposals/madrid/proposals/{proposal.pk}"
    assert client.get(url).json()["comments"] == 2
    moderator = UserFactory()
    RoleGrantFactory(user=moderator, jurisdiction=component.jurisdiction, role=Role.MODERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        block_account(actor=moderator, jurisdiction=component.jurisdiction, user=troll, reason="Harassment")
    response = _post_support(client, proposal, ApiTokenFactory(user=troll, scope=ApiToken.Scope.WRITE))
    assert response.status_code == 403
    assert "A moderator blocked your account here" in response.json()["error"]["message"]
    assert not Support.objects.exists()
    assert client.get(url).json()["comments"] == 1  # its hidden comment is no longer counted
