"""A blocked reporter's reports: staff keep handling them and they count in every figure, but the public no longer
reads their description, sees their photos or learns who made them, until the block is lifted."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from plaza.core.geo import Point
from plaza.core.models import Attachment, AuditEntry, Role
from plaza.core.operations.moderation import block_account, unblock_account
from plaza.core.tests.factories import RoleGrantFactory, UserFactory
from plaza.reports import operations
from plaza.reports.stats import summary
from plaza.reports.tests.test_email_reports import phone_photo

WORDS = "Rude words about the neighbours"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PLAZA_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def moderator(seoul):
    user = UserFactory(public_name="Mod")
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=seoul, user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def troll(db):
    return UserFactory(public_name="Troll")


@pytest.fixture
def rant(component, pothole, troll, committed):
    with committed():
        return operations.submit_report(
            actor=troll,
            component=component,
            category=pothole,
            description=WORDS,
            point=Point(37.5665, 126.978),
            photos=(SimpleUploadedFile("hole.jpg", phone_photo(), content_type="image/jpeg"),),
        )


def _photo_url(report) -> str:
    with scopes_disabled():
        return f"/seoul/attachments/{Attachment.objects.get(object_id=report.pk).pk}/"


def _public(client, report) -> dict[str, bool]:
    """Where the public could read the reporter's words, see their photo or their name."""
    page = client.get(report.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/reports/seoul/reports/{report.pk}").json()
    open311 = client.get("/seoul/open311/v2/requests.json").json()[0]
    exported = b"".join(client.get("/seoul/reports/export/reports.csv").streaming_content).decode()
    export = list(csv.DictReader(io.StringIO(exported)))
    return {
        "list": WORDS in client.get("/seoul/reports/").content.decode(),
        "page": WORDS in page,
        "name": "Troll" in page,
        "photo on page": _photo_url(report) in page,
        "photo file": client.get(_photo_url(report)).status_code == 200,
        "api": api["description"] == WORDS and api["reporter"] == "Troll" and not api["description_hidden"],
        "open311": open311["description"] == WORDS and bool(open311["media_url"]),
        "export": export[0]["description"] == WORDS,
        "feed": WORDS in client.get("/seoul/reports/feed.rss").content.decode(),
        "search": WORDS in client.get("/seoul/search/", {"q": "neighbours"}).content.decode(),
    }


def test_a_blocked_reporters_report_loses_its_public_words_and_photos_until_unblocked(
    client, seoul, moderator, troll, rant
):
    assert all(_public(client, rant).values())
    open_before = summary(seoul)["open"]
    block_account(actor=moderator, jurisdiction=seoul, user=troll, reason="Harassment")
    assert not any(_public(client, rant).values())
    page = client.get(rant.get_absolute_url()).content.decode()
    assert "A moderator hid this report" in page and "Pothole" in page  # the problem itself stays public
    assert "Harassment" not in page
    assert f"#{rant.pk}" in client.get("/seoul/reports/").content.decode()
    assert summary(seoul)["open"] == open_before  # still counted
    with scopes_disabled():
        assert AuditEntry.objects.get(action="account.block").data["reports"] == 1

    unblock_account(actor=moderator, jurisdiction=seoul, user=troll)
    assert all(_public(client, rant).values())
    with scopes_disabled():
        assert AuditEntry.objects.get(action="account.unblock").data["reports"] == 1


def test_staff_keep_the_whole_report_in_their_inbox(client, seoul, moderator, troll, rant, roads_official):
    block_account(actor=moderator, jurisdiction=seoul, user=troll, reason="Harassment")
    client.force_login(roads_official)
    inbox = client.get("/seoul/reports/manage/").content.decode()
    assert f"#{rant.pk}" in inbox and "Hidden from the public" in inbox
    page = client.get(rant.get_absolute_url()).content.decode()
    assert WORDS in page and "Staff only" in page and "Harassment" in page and _photo_url(rant) in page
    assert client.get(_photo_url(rant)).status_code == 200
    rant.refresh_from_db()  # as the page's form reads it
    operations.change_status(actor=roads_official, report=rant, status="acknowledged", note="On our list")
    rant.refresh_from_db()
    assert rant.status == "acknowledged" and rant.hidden_reason == "Harassment"


def test_an_anonymous_report_stays_unlinked_to_the_account_in_the_public_record(
    client, seoul, component, pothole, moderator, troll, rant, committed
):
    with committed():
        hidden_name = operations.submit_report(
            actor=troll, component=component, category=pothole, description="Quiet one", point=Point(37.56, 126.97),
            is_anonymous=True,
        )  # fmt: skip
    block_account(actor=moderator, jurisdiction=seoul, user=troll, reason="Harassment")
    with scopes_disabled():
        public = AuditEntry.objects.get(action="account.block")
        private = AuditEntry.objects.get(action="report.hide_blocked")
    assert public.is_public and public.data["reports"] == 1  # the named report only
    assert not private.is_public and sorted(private.data["reports"]) == sorted([rant.pk, hidden_name.pk])
    assert "Quiet one" not in client.get(hidden_name.get_absolute_url()).content.decode()


def test_a_block_elsewhere_leaves_the_reports_here(client, seoul, madrid, troll, rant):
    madrid_moderator = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=madrid, user=madrid_moderator, role=Role.MODERATOR)
    block_account(actor=madrid_moderator, jurisdiction=madrid, user=troll, reason="Spam")
    rant.refresh_from_db()
    assert rant.hidden_reason == "" and WORDS in client.get(rant.get_absolute_url()).content.decode()


def test_the_reporters_words_on_the_timeline_are_hidden_from_the_public_too(
    client, seoul, moderator, troll, rant, roads_official
):
    operations.change_status(actor=roads_official, report=rant, status="fixed", note="Filled")
    operations.reopen_report(actor=troll, report=rant, reason="Still a crater, you lazy fools")
    block_account(actor=moderator, jurisdiction=seoul, user=troll, reason="Harassment")
    page = client.get(rant.get_absolute_url()).content.decode()
    assert "lazy fools" not in page and "Filled" in page  # the department's answer stays public
    client.force_login(roads_official)
    assert "lazy fools" in client.get(rant.get_absolute_url()).content.decode()
