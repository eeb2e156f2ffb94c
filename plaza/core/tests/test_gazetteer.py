"""The gazetteer: importing OpenAddresses files (all or nothing, errors by line), searching typed addresses."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from plaza.core.geo import Point
from plaza.core.geocoding import (
    LITTLE_WORDS,
    NUMBER_MARKERS,
    ROAD_SUFFIXES,
    STREET_TYPES,
    geocode,
    nearest_address,
    parse_address,
    street_key,
)
from plaza.core.models import AuditEntry, GazetteerEntry
from plaza.core.operations.gazetteer import GazetteerFileInvalid, import_gazetteer
from plaza.core.queries import gazetteer
from plaza.core.search import fold
from plaza.core.tests.factories import UserFactory

HEADER = "LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE"
MADRID_CSV = "\n".join(
    [
        HEADER + ",NAME",
        "-3.6967,40.4189,45,Calle de Alcalá,,Madrid,Centro,Comunidad de Madrid,28014,",
        "-3.6960,40.4190,47,Calle de Alcalá,,Madrid,Centro,Comunidad de Madrid,28014,",
        "-3.6950,40.4193,51,Calle de Alcalá,,Madrid,Centro,Comunidad de Madrid,28014,",
        "-3.6770,40.4380,10,Avenida de América,,Madrid,Chamartín,Comunidad de Madrid,28028,",
        "-3.6775,40.4382,10,Calle de América,,Madrid,Chamartín,Comunidad de Madrid,28002,",
        "-3.7079,40.4156,1,Calle Mayor,,Madrid,Centro,Comunidad de Madrid,28013,",
        "-3.8710,40.3230,1,Calle Mayor,,Alcorcón,,Comunidad de Madrid,28921,",
        "-3.7038,40.4168,,,,Madrid,Centro,Comunidad de Madrid,28013,Puerta del Sol",
    ]
)


def load(jurisdiction, admin, content, name="madrid.csv", replace=False):
    data = content.encode() if isinstance(content, str) else content
    return import_gazetteer(
        actor=admin, jurisdiction=jurisdiction, file_name=name, stream=io.BytesIO(data), replace=replace
    )


def entries(jurisdiction):
    with scopes_disabled():
        return GazetteerEntry.objects.filter(jurisdiction=jurisdiction)


@pytest.fixture
def madrid_gazetteer(madrid, madrid_admin):
    load(madrid, madrid_admin, MADRID_CSV)
    return madrid


# Importing


def test_an_admin_imports_openaddresses_csv_and_it_is_audited(madrid, madrid_admin):
    result = load(madrid, madrid_admin, MADRID_CSV)
    assert result.created == 8
    labels = set(entries(madrid).values_list("label", flat=True))
    assert "Calle de Alcalá 45, Centro, 28014 Madrid" in labels
    assert "Puerta del Sol (Centro, 28013 Madrid)" in labels
    with scopes_disabled():
        entry = AuditEntry.objects.get(jurisdiction=madrid, action="gazetteer.import")
    assert entry.actor == madrid_admin and entry.data["created"] == 8


def test_someone_who_is_not_an_admin_cannot_import(madrid, madrid_admin, paris_admin):
    with pytest.raises(PermissionDenied):
        load(madrid, paris_admin, MADRID_CSV)
    with pytest.raises(PermissionDenied):
        load(madrid, UserFactory(), MADRID_CSV)
    assert not entries(madrid).exists()


def test_bad_rows_reject_the_whole_file_with_their_line_numbers(madrid, madrid_admin):
    bad = "\n".join(
        [
            HEADER,
            "-3.6967,40.4189,45,Calle de Alcalá,,Madrid,,,28014",
            "-3.69,140.5,47,Calle de Alcalá,,Madrid,,,28014",
            "-3.6950,40.4193,51,Calle de Alcalá,,Madrid,,,28014",
            "-3.6950,40.4193,3,,,Madrid,,,28014",
            "east,40.4193,5,Calle Mayor,,Madrid,,,28014",
        ]
    )
    with pytest.raises(GazetteerFileInvalid) as refused:
        load(madrid, madrid_admin, bad)
    messages = [str(e) for e in refused.value.row_errors]
    assert [m.split(":")[0] for m in messages] == ["Line 3", "Line 5", "Line 6"]
    assert "LAT must be a latitude" in messages[0]
    assert "STREET" in messages[1]
    assert not entries(madrid).exists()
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="gazetteer.import").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("STREET,NUMBER\nCalle Mayor,1\n", "LON, LAT"),
        ("LON,LAT,NUMBER\n-3.7,40.4,1\n", "STREET"),
        (HEADER + "\n", "no addresses"),
        ("\xff\xfeLON".encode("latin-1"), "UTF-8"),
    ],
)
def test_files_that_are_not_gazetteers_are_refused(madrid, madrid_admin, content, message):
    with pytest.raises(GazetteerFileInvalid) as refused:
        load(madrid, madrid_admin, content)
    assert message in str(refused.value.row_errors[0])
    assert not entries(madrid).exists()


def test_a_too_long_field_is_refused(madrid, madrid_admin):
    with pytest.raises(GazetteerFileInvalid, match="STREET is longer than 200"):
        load(madrid, madrid_admin, HEADER + "\n-3.7,40.4,1," + "x" * 201 + ",,Madrid,,,28013\n")


def feature(lon, lat, **properties):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


def test_geojson_feature_collections_are_imported(madrid, madrid_admin):
    collection = {
        "type": "FeatureCollection",
        "features": [
            feature(-3.6922, 40.4199, number="1", street="Plaza de Cibeles", city="Madrid", postcode="28014"),
            feature(-3.6883, 40.4153, name="Parque del Retiro", city="Madrid"),
        ],
    }
    assert load(madrid, madrid_admin, json.dumps(collection), name="places.geojson").created == 2
    assert geocode(madrid, "Parque del Retiro").single.point == Point(40.4153, -3.6883)


def test_newline_delimited_geojson_errors_name_the_line(madrid, madrid_admin):
    lines = [
        json.dumps(feature(-3.6922, 40.4199, number="1", street="Plaza de Cibeles", city="Madrid")),
        json.dumps({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}),
        "{not json",
    ]
    with pytest.raises(GazetteerFileInvalid) as refused:
        load(madrid, madrid_admin, "\n".join(lines), name="madrid.geojson")
    assert [str(e) for e in refused.value.row_errors] == [
        "Line 2: Its geometry must be a Point.",
        "Line 3: This is not valid JSON (Expecting property name enclosed in double quotes).",
    ]
    lines = lines[:1] + [json.dumps(feature(-3.7038, 40.4168, name="Puerta del Sol"))]
    assert load(madrid, madrid_admin, "\n".join(lines), name="madrid.geojson").created == 2


def test_replacing_removes_the_previous_entries(madrid_gazetteer, madrid_admin):
    result = load(
        madrid_gazetteer, madrid_admin, HEADER + "\n-3.70,40.41,2,Calle Mayor,,Madrid,,,28013\n", replace=True
    )
    assert (result.created, result.replaced) == (1, 8)
    assert list(entries(madrid_gazetteer).values_list("label", flat=True)) == ["Calle Mayor 2, 28013 Madrid"]


def test_the_command_imports_and_reports_bad_lines(madrid, madrid_admin, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(MADRID_CSV, encoding="utf-8")
    bad.write_text(HEADER + "\n-3.7,95,1,Calle Mayor,,Madrid,,,28013\n", encoding="utf-8")
    call_command("import_gazetteer", "madrid", str(good), "--as", madrid_admin.email)
    assert "8 entries imported" in capsys.readouterr().out
    with pytest.raises(CommandError, match="1 errors in the file; nothing was imported"):
        call_command("import_gazetteer", "madrid", str(bad), "--as", madrid_admin.email, "--replace")
    assert "Line 2: LAT must be a latitude" in capsys.readouterr().err
    with pytest.raises(CommandError, match="not an admin"):
        call_command("import_gazetteer", "madrid", str(good), "--as", UserFactory().email)
    assert entries(madrid).count() == 8


# Searching


@pytest.mark.parametrize(
    "typed",
    [
        "Calle de Alcalá 45",
        "calle alcala 45",
        "C/ Alcalá, 45",
        "CALLE DE ALCALÁ, Nº 45",
        "Alcalá 45",
        "45 Calle de Alcalá",
        "Calle de Alcalá 45, 28014 Madrid",
        "Calle Alcala 45 Madrid",
    ],
)
def test_typed_addresses_are_found_whatever_their_case_accents_and_abbreviations(madrid_gazetteer, typed):
    found = geocode(madrid_gazetteer, typed)
    assert found.single is not None, found
    assert found.single.label == "Calle de Alcalá 45, Centro, 28014 Madrid"
    assert found.single.point == Point(40.4189, -3.6967)


def test_the_street_type_chooses_between_homonyms_and_its_absence_asks(madrid_gazetteer):
    assert geocode(madrid_gazetteer, "Av. de América 10").single.label.startswith("Avenida de América 10")
    assert geocode(madrid_gazetteer, "avda america 10").single.label.startswith("Avenida de América 10")
    assert geocode(madrid_gazetteer, "C/ América 10").single.label.startswith("Calle de América 10")
    both = geocode(madrid_gazetteer, "América 10")
    assert both.exact and both.single is None
    assert len(both.candidates) == 2


def test_the_town_or_postcode_chooses_between_homonyms(madrid_gazetteer):
    assert len(geocode(madrid_gazetteer, "Calle Mayor 1").candidates) == 2
    assert "Alcorcón" in geocode(madrid_gazetteer, "Calle Mayor 1, Alcorcón").single.label
    assert "28013" in geocode(madrid_gazetteer, "Calle Mayor 1, 28013").single.label


def test_an_unknown_number_offers_an_estimate_then_the_nearest_known_ones(madrid_gazetteer):
    found = geocode(madrid_gazetteer, "Calle de Alcalá 49")
    assert not found.exact and found.single is None
    assert [c.label.split(",")[0] for c in found.candidates] == [
        "Calle de Alcalá 49",
        "Calle de Alcalá 47",
        "Calle de Alcalá 51",
        "Calle de Alcalá 45",
    ]
    estimate = found.candidates[0]
    assert estimate.approximate and not any(c.approximate for c in found.candidates[1:])
    assert estimate.label == "Calle de Alcalá 49, Centro, 28014 Madrid (approximate: between numbers 47 and 51)"
    assert "no number 49 on Calle de Alcalá" in found.message and "estimate" in found.message


def test_a_street_without_a_number_asks_for_one_and_unknown_text_says_so(madrid_gazetteer):
    assert "Add the house number" in geocode(madrid_gazetteer, "Calle de Alcalá").message
    missing = geocode(madrid_gazetteer, "Rue de Rivoli 1")
    assert missing.candidates == [] and "could not find “Rue de Rivoli 1”" in missing.message


def test_named_places_are_found(madrid_gazetteer):
    assert geocode(madrid_gazetteer, "puerta del sol").single.point == Point(40.4168, -3.7038)


def test_one_jurisdictions_gazetteer_does_not_answer_for_another(madrid_gazetteer, paris):
    assert geocode(paris, "Calle de Alcalá 45").candidates == []


def test_korean_road_names_match_in_hangul_and_romanised(madrid, madrid_admin):
    seoul_rows = [
        HEADER + ",NAME",
        "126.9779,37.5663,110,Sejong-daero,,Seoul,Jung-gu,,04524,Seoul City Hall",
        "126.9779,37.5663,110,세종대로,,서울특별시,중구,,04524,",
    ]
    load(madrid, madrid_admin, "\n".join(seoul_rows))
    for typed in (
        "Sejong-daero 110",
        "sejong daero 110",
        "Sejongdaero 110, Jung-gu",
        "세종대로 110",
        "seoul city hall",
    ):
        assert geocode(madrid, typed).candidates[0].point == Point(37.5663, 126.9779), typed


def test_parse_address_takes_typed_addresses_apart():
    one, two = parse_address("Av. de América 10 bis, 28028 Madrid"), parse_address("avenida america 10bis 28028 madrid")
    assert (one.street_key, one.street_type, one.number_key, one.hints) == (
        "america",
        "avenida",
        "10bis",
        ("28028", "madrid"),
    )
    assert (two.street_key, two.street_type, two.number_key, two.hints) == (
        "america",
        "avenida",
        "10bis",
        ("28028", "madrid"),
    )
    query = parse_address("10 Downing Street, London")
    assert (query.street_key, query.street_type, query.number_key, query.hints) == (
        "downing",
        "street",
        "10",
        ("london",),
    )
    assert street_key("Sejong-daero") == street_key("SEJONGDAERO") == "sejongdaero"
    assert street_key("Rue d'Alésia") == "alesia"


def test_the_nearest_known_address_of_a_point(madrid_gazetteer):
    label, metres = nearest_address(madrid_gazetteer, Point(40.41895, -3.6967))
    assert label.startswith("Calle de Alcalá 45") and metres == 6
    assert nearest_address(madrid_gazetteer, Point(40.0, -3.0)) is None


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def test_a_lookup_reads_the_index_not_the_table_at_scale(madrid, madrid_admin):
    syllables = ["ba", "ce", "di", "fo", "gu", "la", "me", "ni", "po", "ru", "sa", "te", "vi", "zo", "ca", "de"]
    streets = [f"Calle {a.title()}{b}{c}" for a in syllables for b in syllables for c in ("n", "r")][:400]
    rows = [HEADER] + [f"-3.7,40.4,{n},{s},,Madrid,,,28013" for s in streets for n in range(1, 51)]
    assert load(madrid, madrid_admin, "\n".join(rows)).created == 20000
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    query = parse_address("Calle Dibar 7")
    lookup = gazetteer.entries(madrid).filter(street_key=query.street_key, number_key=query.number_key)
    plan = _plan(lookup)
    assert "gazetteer_lookup" in plan, plan
    assert "SCAN core_gazetteerentry" not in plan and "Seq Scan" not in plan, plan
    assert geocode(madrid, "calle dibar 7").single.label == "Calle Dibar 7, 28013 Madrid"


@pytest.mark.parametrize(
    ("slug", "typed", "expected"),
    [
        ("seoul", "Sejong-daero 110", "Sejong-daero 110, Jung-gu, 04524 Seoul"),
        ("seoul", "세종대로 110", "세종대로 110, 중구, 04524 서울특별시"),
        ("seoul", "Seoul City Hall", "Seoul City Hall (Sejong-daero 110, Jung-gu, 04524 Seoul)"),
        ("seoul", "teheran-ro 152, gangnam-gu", "Teheran-ro 152, Gangnam-gu, 06236 Seoul"),
        ("seoul", "Myeongdong 8-gil 27", "Myeongdong 8-gil 27, Jung-gu, 04536 Seoul"),
        ("madrid", "C/ Alcalá, 45", "Calle de Alcalá 45, Centro, 28014 Madrid"),
        ("madrid", "gran via 28", "Gran Vía 28, Centro, 28013 Madrid"),
        ("madrid", "Puerta del Sol 7", "Puerta del Sol 7, Centro, 28013 Madrid"),
        ("madrid", "museo del prado", "Museo del Prado (Calle de Ruiz de Alarcón 23, Retiro, 28014 Madrid)"),
        ("madrid", "Pº de la Castellana 100", "Paseo de la Castellana 100, Salamanca, 28046 Madrid"),
    ],
)
def test_the_demo_gazetteers_answer_the_demos_addresses(db, slug, typed, expected):
    from plaza.core.demo import GAZETTEER_DIR
    from plaza.core.models import Role
    from plaza.core.tests.factories import JurisdictionFactory, RoleGrantFactory

    jurisdiction, admin = JurisdictionFactory(slug=slug), UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=jurisdiction, user=admin, role=Role.ADMIN)
    with (GAZETTEER_DIR / f"{slug}.csv").open("rb") as stream:
        import_gazetteer(actor=admin, jurisdiction=jurisdiction, file_name=f"{slug}.csv", stream=stream)
    found = geocode(jurisdiction, typed)
    assert found.single is not None, found
    assert found.single.label == expected


def test_korean_road_numbers_sub_numbers_and_letter_suffixes(madrid, madrid_admin):
    rows = [
        HEADER,
        "126.9836,37.5636,27,Myeongdong 8-gil,,Seoul,Jung-gu,,04536",
        "127.0400,37.5020,36,Teheran-ro 87-gil,,Seoul,Gangnam-gu,,06164",
        "127.0401,37.5021,87,Teheran-ro,,Seoul,Gangnam-gu,,06164",
        "126.9780,37.5660,12-3,Sejong-daero,,Seoul,Jung-gu,,04524",
        "-3.6967,40.4189,45B,Calle de Alcalá,,Madrid,,,28014",
    ]
    load(madrid, madrid_admin, "\n".join(rows))
    assert geocode(madrid, "Myeongdong 8-gil 27").single.label.startswith("Myeongdong 8-gil 27")
    assert geocode(madrid, "myeongdong 8gil 27").single.label.startswith("Myeongdong 8-gil 27")
    assert geocode(madrid, "Teheran-ro 87-gil 36").single.label.startswith("Teheran-ro 87-gil 36")
    assert geocode(madrid, "Teheran-ro 87").single.label.startswith("Teheran-ro 87,")
    assert geocode(madrid, "Sejong-daero 12-3").single.label.startswith("Sejong-daero 12-3")
    assert geocode(madrid, "Alcalá 45-b").single.label.startswith("Calle de Alcalá 45B")
    assert geocode(madrid, "calle alcala 45 B").single.label.startswith("Calle de Alcalá 45B")


_RESERVED = set(LITTLE_WORDS) | set(NUMBER_MARKERS) | set(ROAD_SUFFIXES) | {a for v in STREET_TYPES.values() for a in v}
_NAME_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzáéíóúñ", min_size=3, max_size=10).filter(
    lambda w: fold(w) not in _RESERVED
)


@given(
    kind=st.sampled_from(["", "Calle", "Avenida", "Rue", "Street"]),
    words=st.lists(_NAME_WORD, min_size=1, max_size=3),
    number=st.integers(min_value=1, max_value=99999),
    style=st.sampled_from(["{street} {number}", "{street}, {number}", "{number} {street}", "{street} {number}, Town"]),
)
def test_a_typed_address_keys_like_its_street_and_number(kind, words, number, style):
    street = " ".join([kind, *words]).strip()
    typed = style.format(street=street.upper(), number=number)
    query = parse_address(typed)
    assert (query.street_key, query.number_key) == (street_key(street), str(number))
