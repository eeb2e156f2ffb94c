"""API tokens: issuing (secret shown once, only a hash kept), revoking, and the resident's pages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from plaza.core.models import ApiToken
from plaza.core.models.api import hash_secret
from plaza.core.operations.api_tokens import create_api_token, revoke_api_token, use_api_token
from plaza.core.tests.factories import ApiTokenFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/account/api-tokens/"


def test_create_returns_the_secret_once_and_keeps_only_its_hash(paris):
    user = UserFactory()
    token, secret = create_api_token(actor=user, name=" CI ", scope="write", jurisdiction=paris)
    assert secret.startswith(token.prefix + "_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.name == "CI" and stored.scope == "write" and stored.jurisdiction == paris
    assert stored.secret_hash == hash_secret(secret)
    assert secret not in {getattr(stored, f.attname) for f in ApiToken._meta.fields}
    assert use_api_token(secret) == stored


def test_revoked_token_no_longer_authenticates():
    token = ApiTokenFactory()
    revoke_api_token(actor=token.user, token=token)
    assert use_api_token(token.secret) is None
    assert use_api_token("plaza_garbage") is None


def test_only_the_owner_revokes_a_token():
    token = ApiTokenFactory()
    with pytest.raises(PermissionDenied):
        revoke_api_token(actor=UserFactory(), token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_cannot_create_a_token():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        create_api_token(actor=AnonymousUser(), name="x")
    assert not ApiToken.objects.exists()


def test_token_page_needs_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_resident_creates_a_token_and_sees_it_once(client, paris):
    user = UserFactory()
    client.force_login(user)
    response = client.post(PAGE, {"name": "My dashboard", "scope": "read", "jurisdiction": paris.pk})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    secret = response.context["secret"]
    html = response.content.decode()
    assert secret in html and hash_secret(secret) == token.secret_hash
    assert "no-store" in response["Cache-Control"]
    again = client.get(PAGE).content.decode()
    assert secret not in again
    assert "My dashboard" in again and token.prefix in again and "Paris" in again


def test_token_form_errors_are_shown_and_nothing_is_created(client):
    client.force_login(UserFactory())
    response = client.post(PAGE, {"name": "", "scope": "admin"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "This field is required." in html
    assert not ApiToken.objects.exists()


def test_resident_revokes_a_token(client):
    token = ApiTokenFactory(name="Old script")
    client.force_login(token.user)
    response = client.post(reverse("account_api_token_revoke", kwargs={"pk": token.pk}), follow=True)
    assert "The token “Old script” is revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_residents_token_cannot_be_revoked_or_seen(client):
    token = ApiTokenFactory(name="Not yours")
    client.force_login(UserFactory())
    assert client.post(reverse("account_api_token_revoke", kwargs={"pk": token.pk})).status_code == 404
    assert "Not yours" not in client.get(PAGE).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_post(client):
    token = ApiTokenFactory()
    client.force_login(token.user)
    assert client.get(reverse("account_api_token_revoke", kwargs={"pk": token.pk})).status_code == 405


def test_profile_links_to_the_token_page(client):
    client.force_login(UserFactory())
    assert f'href="{PAGE}"' in client.get("/account/").content.decode()
