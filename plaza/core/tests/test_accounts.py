"""A resident's account pages (allauth) inside Plaza's layout: sign-up, e-mail, passwords, two-factor sign-in."""

import re
import time
from html.parser import HTMLParser

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache

from plaza.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


class _FormAudit(HTMLParser):
    """Collects what a screen-reader user meets: headings, inputs, labels and the layout's landmarks."""

    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.labels: set[str] = set()
        self.inputs: list[dict] = []
        self.main = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self.h1 += 1
        elif tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            self.inputs.append(attrs)
        elif tag == "main" and attrs.get("id") == "main":
            self.main = True


def assert_in_layout_and_labelled(response) -> str:
    page = response.content.decode()
    audit = _FormAudit()
    audit.feed(page)
    assert audit.main and "plaza.css" in page, "the page is not inside Plaza's layout"
    assert audit.h1 == 1
    for field in audit.inputs:
        if field.get("type") in ("hidden", "submit", "button"):
            continue
        assert field.get("id") in audit.labels, f"no label for {field}"
    return page


def _link(mail, pattern: str) -> str:
    found = re.search(r"https?://[^/\s]+(" + pattern + r")", mail.body)
    assert found, mail.body
    return found.group(1)


def _sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _reauthenticate(client, password: str = PASSWORD):
    """Two-factor settings ask for the password again, even right after signing in."""
    page = client.get("/accounts/reauthenticate/")
    assert_in_layout_and_labelled(page)
    assert client.post("/accounts/reauthenticate/", {"password": password}).status_code == 302


def _totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_account_pages_render_in_our_layout_with_labels(client):
    for url in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_in_layout_and_labelled(response)
    user = UserFactory()
    _sign_in(client, user.email)
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    _reauthenticate(client)
    for url in ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/2fa/totp/activate/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_in_layout_and_labelled(response)


def test_signup_confirm_then_sign_in(client, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {"email": "ana@example.org", "password1": "a-Long-passphrase-42", "password2": "a-Long-passphrase-42"},
    )
    assert response.status_code == 302
    assert "Verify Your Email Address" in client.get(response["Location"]).content.decode()
    client.logout()
    refused = _sign_in(client, "ana@example.org", "a-Long-passphrase-42")
    assert refused.status_code == 302 and "confirm-email" in refused["Location"]  # not confirmed yet

    confirm_url = _link(mailoutbox[-1], r"/accounts/confirm-email/[^\s]+/")
    page = assert_in_layout_and_labelled(client.get(confirm_url))
    assert "ana@example.org" in page
    assert client.post(confirm_url).status_code == 302
    client.logout()
    response = _sign_in(client, "ana@example.org", "a-Long-passphrase-42")
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert "My account" in client.get("/account/").content.decode()


def test_signup_errors_are_400_next_to_the_fields(client, mailoutbox):
    response = client.post("/accounts/signup/", {"email": "not-an-address", "password1": "short", "password2": "other"})
    page = assert_in_layout_and_labelled(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'class="error" id="id_email_error"' in page
    assert re.search(r'class="error" id="id_password[12]_error"', page)
    assert not mailoutbox


def test_password_reset_by_email_then_sign_in_with_the_new_password(client, mailoutbox):
    user = UserFactory(email="lea@example.org")
    response = client.post("/accounts/password/reset/", {"email": "lea@example.org"})
    assert response.status_code == 302
    reset_url = _link(mailoutbox[-1], r"/accounts/password/reset/key/[^\s]+/")
    form_url = client.get(reset_url)["Location"]  # allauth hides the key behind a redirect
    assert_in_layout_and_labelled(client.get(form_url))
    mismatch = client.post(form_url, {"password1": "New-passphrase-77", "password2": "Other-passphrase-77"})
    assert mismatch.status_code == 400 and 'id="id_password2_error"' in mismatch.content.decode()
    response = client.post(form_url, {"password1": "New-passphrase-77", "password2": "New-passphrase-77"})
    assert response.status_code == 302
    assert _sign_in(client, user.email).status_code == 400  # the old password no longer works
    assert _sign_in(client, user.email, "New-passphrase-77").status_code == 302


def test_wrong_password_is_refused_with_400(client):
    user = UserFactory()
    response = _sign_in(client, user.email, "wrong")
    assert response.status_code == 400
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_change(client):
    user = UserFactory()
    _sign_in(client, user.email)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "Another-pass-99", "password2": "Another-pass-99"},
    )
    assert response.status_code == 400 and 'id="id_oldpassword_error"' in response.content.decode()
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "Another-pass-99", "password2": "Another-pass-99"},
    )
    assert response.status_code == 302
    client.logout()
    assert _sign_in(client, user.email, "Another-pass-99").status_code == 302


def _activate_totp(client, user) -> str:
    _sign_in(client, user.email)
    refused = client.post("/accounts/reauthenticate/", {"password": "wrong"})
    assert refused.status_code == 400 and 'id="id_password_error"' in refused.content.decode()
    _reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    assert f'value="{secret}"' in page.content.decode()  # shown for people who cannot scan the QR code
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000" if _totp_now(secret) != "000000" else "1"})
    assert wrong.status_code == 400 and 'id="id_code_error"' in wrong.content.decode()
    assert client.post("/accounts/2fa/totp/activate/", {"code": _totp_now(secret)}).status_code == 302
    return secret


def test_totp_then_sign_in_needs_the_code(client):
    user = UserFactory(email="totp@example.org")
    secret = _activate_totp(client, user)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.logout()

    response = _sign_in(client, user.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert_in_layout_and_labelled(client.get("/accounts/2fa/authenticate/"))
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "123456" if _totp_now(secret) != "123456" else "1"})
    assert wrong.status_code == 400 and 'id="id_code_error"' in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()  # a new time window: the code used to activate may be used once more
    response = client.post("/accounts/2fa/authenticate/", {"code": _totp_now(secret)})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_recovery_code_signs_in_once(client):
    user = UserFactory(email="lost-phone@example.org")
    _activate_totp(client, user)
    page = client.get("/accounts/2fa/recovery-codes/")
    assert_in_layout_and_labelled(page)
    code = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()[0]
    assert code in page.content.decode()
    client.logout()
    _sign_in(client, user.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.logout()
    _sign_in(client, user.email)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 400


def test_totp_can_be_deactivated(client):
    user = UserFactory()
    secret = _activate_totp(client, user)
    assert_in_layout_and_labelled(client.get("/accounts/2fa/totp/deactivate/"))
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.logout()
    response = _sign_in(client, user.email)
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert secret  # the old secret is now useless: nothing asks for it


def test_email_management_adds_an_address_and_sends_a_confirmation(client, mailoutbox):
    user = UserFactory()
    _sign_in(client, user.email)
    refused = client.post("/accounts/email/", {"action_add": "", "email": "not-an-address"})
    assert refused.status_code == 400 and 'id="id_email_error"' in refused.content.decode()
    response = client.post("/accounts/email/", {"action_add": "", "email": "second@example.org"})
    assert response.status_code == 302
    assert "second@example.org" in client.get("/accounts/email/").content.decode()
    assert mailoutbox and "second@example.org" in mailoutbox[-1].to
