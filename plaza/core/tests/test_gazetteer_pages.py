"""The back office's gazetteer page: import a file (errors by line, nothing written), try an address."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from plaza.core.models import GazetteerEntry
from plaza.core.tests.factories import UserFactory
from plaza.core.tests.test_gazetteer import HEADER, MADRID_CSV

PAGE = "/madrid/manage/gazetteer/"


def upload(client, content: str, name="madrid.csv", **extra):
    return client.post(PAGE, {"file": SimpleUploadedFile(name, content.encode()), **extra})


def count(jurisdiction) -> int:
    with scopes_disabled():
        return GazetteerEntry.objects.filter(jurisdiction=jurisdiction).count()


def test_an_admin_imports_a_file_then_tries_an_address(client, madrid, madrid_admin):
    client.force_login(madrid_admin)
    assert "Gazetteer" in client.get("/madrid/manage/").content.decode()
    response = upload(client, MADRID_CSV)
    assert response.status_code == 302
    page = client.get(PAGE).content.decode()
    assert "Gazetteer loaded: 8 entries added, 0 replaced." in page and "8 addresses and places are known here." in page
    page = client.get(PAGE, {"address": "c/ alcalá 45"}).content.decode()
    assert "Calle de Alcalá 45, Centro, 28014 Madrid" in page and "40.41890, -3.69670" in page
    with scopes_disabled():
        address_id = GazetteerEntry.objects.get(jurisdiction=madrid, number="45").address_id
    assert f"address id <code>{address_id}</code>" in page  # what an Open311 client sends as address_id
    page = client.get(PAGE, {"address": "calle alcla 45"}).content.decode()
    assert "Did you mean one of these?" in page and "Calle de Alcalá 45, Centro, 28014 Madrid" in page
    assert count(madrid) == 8


def test_a_bad_file_lists_its_lines_and_writes_nothing(client, madrid, madrid_admin):
    client.force_login(madrid_admin)
    bad = (
        HEADER + "\n-3.7,40.4,1,Calle Mayor,,Madrid,,,28013\n-3.7,91,2,Calle Mayor,,Madrid,,,28013\n-3.7,40.4,3,,,,,,\n"
    )
    response = upload(client, bad, replace="on")
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert "The file has 2 errors; nothing was imported." in page
    assert "Line 3: LAT must be a latitude" in page and "Line 4: Give a STREET" in page
    assert count(madrid) == 0


def test_other_files_are_refused_before_reading(client, madrid, madrid_admin):
    client.force_login(madrid_admin)
    response = upload(client, "x", name="addresses.xlsx")
    assert response.status_code == 400 and "Upload a CSV or GeoJSON file." in response.content.decode()


def test_only_the_jurisdictions_admins_open_it(client, madrid, paris_admin):
    client.force_login(UserFactory())
    assert client.get(PAGE).status_code == 403
    client.force_login(paris_admin)
    assert upload(client, MADRID_CSV).status_code == 403
    assert count(madrid) == 0
