"""Someone who reported with only an e-mail address reopens their report through the signed link mailed to them."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from plaza.core.tests.factories import JurisdictionFactory
from plaza.reports import operations
from plaza.reports.models import Report, Update
from plaza.reports.tests.factories import ReportFactory

EMAIL = "minji@example.org"


@pytest.fixture
def by_email(component, pothole):
    with scopes_disabled():
        return ReportFactory(component=component, category=pothole, reporter=None, reporter_email=EMAIL)


def _fixed(report, official, committed):
    with committed():
        operations.change_status(actor=official, report=report, status="acknowledged")
    with committed():
        operations.change_status(actor=official, report=report, status="fixed", note="Filled.")
    return _reload(report)


def _reload(report):
    with scopes_disabled():
        return Report.objects.get(pk=report.pk)


def test_the_link_reopens_only_its_own_report(seoul, by_email, roads_official, committed):
    report = _fixed(by_email, roads_official, committed)
    token = operations.reopen_link_token(report)
    with pytest.raises(ValidationError):
        operations.reopen_report_by_link(jurisdiction=seoul, token=token + "x", reason="Still a hole")
    with pytest.raises(ValidationError):
        operations.reopen_report_by_link(jurisdiction=seoul, token=token, reason="  ")  # a reason is needed
    operations.reopen_report_by_link(jurisdiction=seoul, token=token, reason="Still a hole")
    report = _reload(report)
    assert report.status == "open" and report.fixed_at is None
    with scopes_disabled():
        line = Update.objects.filter(report=report).latest("id")
    assert (line.kind, line.body, line.author) == ("reopened", "Still a hole", None)
    with pytest.raises(ValidationError):  # open now: nothing to reopen
        operations.reopen_report_by_link(jurisdiction=seoul, token=token, reason="Again")


def test_a_link_for_another_address_or_place_does_not_work(seoul, by_email, roads_official, committed):
    report = _fixed(by_email, roads_official, committed)
    token = operations.reopen_link_token(report)
    elsewhere = JurisdictionFactory(slug="busan")
    with pytest.raises(ValidationError):
        operations.reopen_report_by_link(jurisdiction=elsewhere, token=token, reason="Still a hole")
    with scopes_disabled():
        Report.objects.filter(pk=report.pk).update(reporter_email="someone@example.org")
    with pytest.raises(ValidationError):
        operations.reopen_report_by_link(jurisdiction=seoul, token=token, reason="Still a hole")
    assert _reload(report).status == "fixed"


def test_the_mail_about_a_fix_carries_the_link_and_the_page_reopens(client, by_email, roads_official, committed):
    _fixed(by_email, roads_official, committed)
    links = re.findall(r"http://\S+/seoul/reports/reopen/\S+/", mail.outbox[-1].body)
    assert mail.outbox[-1].to == [EMAIL] and len(links) == 1
    assert not re.search(r"/reports/reopen/", mail.outbox[0].body)  # acknowledged: nothing to reopen yet
    path = links[0].split("127.0.0.1:8000", 1)[-1]
    page = client.get(path)
    assert page.status_code == 200 and "Why is the problem not solved?" in page.content.decode()
    assert _reload(by_email).status == "fixed"  # opening the link changes nothing
    empty = client.post(path, {"reopen-reason": ""})
    assert empty.status_code == 400 and _reload(by_email).status == "fixed"
    with committed():
        done = client.post(path, {"reopen-reason": "Still a hole"})
    assert done.status_code == 302 and done["Location"] == by_email.get_absolute_url()
    assert _reload(by_email).status == "open"
    assert client.get("/seoul/reports/reopen/nonsense/").status_code == 400
