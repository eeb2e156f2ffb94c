"""Every gazetteer entry has a stable `address_id` (Open311's): the file's own ID, else one made from the address."""

import json

import pytest
from django_scopes import scopes_disabled

from plaza.core.geo import Point
from plaza.core.geocoding import address_by_id, geocode
from plaza.core.models import GazetteerEntry
from plaza.core.operations.gazetteer import GazetteerFileInvalid
from plaza.core.tests.test_gazetteer import HEADER, MADRID_CSV, entries, feature, load


def ids(jurisdiction) -> dict[str, str]:
    return dict(entries(jurisdiction).values_list("label", "address_id"))


def test_every_entry_gets_an_id_that_importing_again_keeps(madrid, madrid_admin):
    load(madrid, madrid_admin, MADRID_CSV)
    first = ids(madrid)
    assert len(first) == 8 and len(set(first.values())) == 8 and all(first.values())
    load(madrid, madrid_admin, MADRID_CSV)  # the same file again: the same entries, not a second copy
    assert ids(madrid) == first
    load(madrid, madrid_admin, MADRID_CSV, replace=True)  # emptied and loaded again: the same ids
    assert ids(madrid) == first


def test_importing_an_address_again_moves_its_point_and_keeps_its_id(madrid, madrid_admin):
    load(madrid, madrid_admin, MADRID_CSV)
    before = ids(madrid)["Calle de Alcalá 45, Centro, 28014 Madrid"]
    moved = HEADER + "\n-3.6970,40.4188,45,Calle de Alcalá,,Madrid,Centro,Comunidad de Madrid,28014\n"
    load(madrid, madrid_admin, moved)
    assert entries(madrid).count() == 8
    found = address_by_id(madrid, before)
    assert found.point == Point(40.4188, -3.6970) and found.address_id == before


def test_the_same_address_twice_in_a_file_is_one_entry_the_last_row_winning(madrid, madrid_admin):
    rows = [HEADER, "-3.70,40.41,2,Calle Mayor,,Madrid,,,28013", "-3.71,40.42,2,calle mayor,,Madrid,,,28013"]
    assert load(madrid, madrid_admin, "\n".join(rows)).created == 2
    assert list(entries(madrid).values_list("street", "latitude")) == [("calle mayor", 40.42)]


def test_the_files_own_id_is_the_address_id(madrid, madrid_admin):
    rows = [
        HEADER + ",NAME,ID",
        "-3.6967,40.4189,45,Calle de Alcalá,,Madrid,,,28014,,MAD-000045",
        "-3.6965,40.4185,42,Calle de Alcalá,,Madrid,,,28014,Círculo de Bellas Artes,MAD-000042",
        "-3.7038,40.4168,,,,Madrid,,,28013,Puerta del Sol,MAD-SOL",
    ]
    load(madrid, madrid_admin, "\n".join(rows))
    assert address_by_id(madrid, "MAD-000045").label == "Calle de Alcalá 45, 28014 Madrid"
    assert address_by_id(madrid, "MAD-000042").label == "Calle de Alcalá 42, 28014 Madrid"
    assert address_by_id(madrid, "MAD-SOL").label == "Puerta del Sol (28013 Madrid)"
    # The row's ID names its address; the place on the same row gets an id of its own.
    circulo = geocode(madrid, "Círculo de Bellas Artes").single
    assert circulo.address_id not in ("", "MAD-000042") and address_by_id(madrid, circulo.address_id) == circulo


def test_geojson_ids_are_read_from_the_properties_or_the_feature(madrid, madrid_admin):
    inside = feature(-3.6922, 40.4199, number="1", street="Plaza de Cibeles", city="Madrid", id="CIB-1")
    outside = {**feature(-3.6883, 40.4153, name="Parque del Retiro", city="Madrid"), "id": 7001}
    load(madrid, madrid_admin, json.dumps({"type": "FeatureCollection", "features": [inside, outside]}), "m.geojson")
    assert address_by_id(madrid, "CIB-1").label == "Plaza de Cibeles 1, Madrid"
    assert address_by_id(madrid, "7001").label == "Parque del Retiro (Madrid)"


@pytest.mark.parametrize(("given", "message"), [("x" * 65, "ID is longer than 64"), ("MAD\x0745", "ID must be")])
def test_a_bad_id_is_refused_with_its_line(madrid, madrid_admin, given, message):
    content = HEADER + ",ID\n-3.7,40.4,1,Calle Mayor,,Madrid,,,28013," + given + "\n"
    with pytest.raises(GazetteerFileInvalid, match=message):
        load(madrid, madrid_admin, content)
    assert not entries(madrid).exists()


def test_an_id_names_an_entry_of_its_own_jurisdiction_only(madrid, madrid_admin, paris):
    load(madrid, madrid_admin, MADRID_CSV)
    known = ids(madrid)["Calle Mayor 1, Centro, 28013 Madrid"]
    assert address_by_id(madrid, known).label == "Calle Mayor 1, Centro, 28013 Madrid"
    assert address_by_id(paris, known) is None
    assert address_by_id(madrid, "no-such-id") is None and address_by_id(madrid, "") is None


def test_exact_answers_carry_their_address_id(madrid, madrid_admin):
    load(madrid, madrid_admin, MADRID_CSV)
    found = geocode(madrid, "calle alcala 45").single
    with scopes_disabled():
        assert found.address_id == GazetteerEntry.objects.get(jurisdiction=madrid, number="45").address_id
