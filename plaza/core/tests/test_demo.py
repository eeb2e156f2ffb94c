"""The demo network: every promised jurisdiction, and loading twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from plaza.core.models import AuditEntry, Jurisdiction, Process, RoleGrant, User
from plaza.core.tenancy import across_jurisdictions

pytestmark = pytest.mark.django_db

SLUGS = {"paris", "madrid", "seoul", "buenos-aires", "bogota", "johannesburg", "tshwane", "gauteng"}


def counts():
    with across_jurisdictions():
        return [m.objects.count() for m in (Jurisdiction, User, RoleGrant, Process, AuditEntry)]


def test_demo_network_is_complete_and_idempotent(client):
    call_command("load_demo", stdout=StringIO())
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    assert set(Jurisdiction.objects.values_list("slug", flat=True)) >= SLUGS
    tshwane = Jurisdiction.objects.get(slug="tshwane")
    assert [j.slug for j in tshwane.ancestors()] == ["ogp-local", "south-africa", "gauteng"]
    for slug in SLUGS:
        assert client.get(f"/{slug}/").status_code == 200
    assert client.get("/paris/processes/climate-plan/page/").status_code == 200
    assert client.login(email="resident.paris@demo.plaza", password="plaza-demo-2026")
