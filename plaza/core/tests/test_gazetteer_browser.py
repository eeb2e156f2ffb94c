"""The back office's gazetteer page in a real browser: axe-clean, before and after a refused file."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from plaza.core.models import Role
from plaza.core.tests.factories import JurisdictionFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_gazetteer_page_refuses_a_bad_file_and_looks_an_address_up(page, axe, sign_in, transactional_db, tmp_path):
    madrid, admin = JurisdictionFactory(slug="madrid", name="Madrid"), UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=madrid, user=admin, role=Role.ADMIN)
    sign_in(page, admin)
    page.goto("/madrid/manage/gazetteer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gazetteer")
    axe(page)
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text("LON,LAT,NUMBER,STREET\n-3.7,91,1,Calle Mayor\n", encoding="utf-8")
    good.write_text("LON,LAT,NUMBER,STREET,CITY\n-3.705,40.4167,1,Calle Mayor,Madrid\n", encoding="utf-8")
    page.get_by_label("Addresses file (CSV or GeoJSON)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("The file has 1 errors; nothing was imported.")
    expect(page.get_by_text("Line 2: LAT must be a latitude")).to_be_visible()
    axe(page)
    page.get_by_label("Addresses file (CSV or GeoJSON)").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Gazetteer loaded: 1 entries added, 0 replaced.")).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Try an address")).fill("c/ mayor, 1")
    page.get_by_role("button", name="Look it up").click()
    expect(page.get_by_text("Calle Mayor 1, Madrid")).to_be_visible()
    axe(page)
