"""Census privacy, verification by match and in person, and one person behind two accounts."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plaza.core.models import CensusRecord, Person, Role, Verification
from plaza.core.operations.identity import CensusFileInvalid, import_census, verify_by_census, verify_in_person
from plaza.core.tenancy import across_jurisdictions, jurisdiction_scope
from plaza.core.tests.factories import RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    b"document_id,date_of_birth,postal_code,district,gender\n"
    b"12345678Z,1980-05-17,28013,Centro,female\n"
    b"X1234567L,1975-01-02,28004,Centro,male\n"
    b"Y7654321M,2001-12-31,28045,Arganzuela,\n"
)


def census_count(jurisdiction) -> int:
    return CensusRecord.objects.with_scope(jurisdiction=jurisdiction).count()


def test_census_is_stored_only_as_keyed_hashes(madrid, madrid_admin):
    result = import_census(actor=madrid_admin, jurisdiction=madrid, file_name="padron.csv", content=GOOD_CSV)
    assert result.created == 3
    with across_jurisdictions():
        stored = " ".join(str(v) for row in CensusRecord.objects.values() for v in row.values())
    for clear in ("12345678Z", "X1234567L", "1980-05-17", "28013", "28004"):
        assert clear not in stored


def test_malformed_census_is_rejected_with_line_numbers_and_nothing_imported(madrid, madrid_admin):
    bad = (
        b"document_id,date_of_birth,postal_code\n"
        b"12345678Z,1980-05-17,28013\n"
        b",1980-05-17,28013\n"
        b"X1234567L,17/05/1980,28004\n"
        b"12345678Z,1980-05-17,28013\n"
    )
    with pytest.raises(CensusFileInvalid) as raised:
        import_census(actor=madrid_admin, jurisdiction=madrid, file_name="bad.csv", content=bad)
    lines = sorted({(e.line, e.column) for e in raised.value.row_errors})
    assert lines == [(3, "document_id"), (4, "date_of_birth"), (5, "document_id")]
    assert census_count(madrid) == 0


def test_census_without_required_column_is_rejected(madrid, madrid_admin):
    with pytest.raises(CensusFileInvalid) as raised:
        import_census(
            actor=madrid_admin, jurisdiction=madrid, file_name="x.csv", content=b"document_id,postal_code\nA,1\n"
        )
    assert [e.column for e in raised.value.row_errors] == ["date_of_birth"]


def test_census_upload_needs_the_admin_role(madrid, paris_admin):
    with pytest.raises(PermissionDenied):
        import_census(actor=paris_admin, jurisdiction=madrid, file_name="x.csv", content=GOOD_CSV)
    assert census_count(madrid) == 0


def test_reimport_updates_and_replace_deactivates_missing(madrid, madrid_admin):
    import_census(actor=madrid_admin, jurisdiction=madrid, file_name="a.csv", content=GOOD_CSV)
    smaller = b"document_id,date_of_birth,postal_code\n12345678Z,1980-05-17,28014\n"
    result = import_census(actor=madrid_admin, jurisdiction=madrid, file_name="b.csv", content=smaller, replace=True)
    assert (result.created, result.updated, result.deactivated) == (0, 1, 2)
    resident = UserFactory()
    with pytest.raises(ValidationError):
        verify_by_census(
            actor=resident,
            jurisdiction=madrid,
            document_id="X1234567L",
            birth_date=date(1975, 1, 2),
            postal_code="28004",
        )


def test_resident_verifies_by_census_match(madrid, madrid_admin):
    import_census(actor=madrid_admin, jurisdiction=madrid, file_name="a.csv", content=GOOD_CSV)
    resident = UserFactory()
    verification = verify_by_census(
        actor=resident,
        jurisdiction=madrid,
        document_id="12345678-z",
        birth_date=date(1980, 5, 17),
        postal_code="28 013",
    )
    assert verification.level == Verification.Level.VERIFIED


def test_wrong_details_do_not_verify_and_attempts_are_limited(madrid, madrid_admin):
    import_census(actor=madrid_admin, jurisdiction=madrid, file_name="a.csv", content=GOOD_CSV)
    resident = UserFactory()
    for _attempt in range(5):
        with pytest.raises(ValidationError, match="do not match"):
            verify_by_census(
                actor=resident,
                jurisdiction=madrid,
                document_id="12345678Z",
                birth_date=date(1980, 5, 18),
                postal_code="28013",
            )
    with pytest.raises(ValidationError, match="Too many attempts"):
        verify_by_census(
            actor=resident,
            jurisdiction=madrid,
            document_id="12345678Z",
            birth_date=date(1980, 5, 17),
            postal_code="28013",
        )
    assert not Verification.objects.with_scope(jurisdiction=madrid).exists()


def test_one_person_with_two_accounts_is_one_person(madrid, madrid_admin):
    import_census(actor=madrid_admin, jurisdiction=madrid, file_name="a.csv", content=GOOD_CSV)
    first, second = UserFactory(), UserFactory()
    for account in (first, second):
        verify_by_census(
            actor=account,
            jurisdiction=madrid,
            document_id="12345678Z",
            birth_date=date(1980, 5, 17),
            postal_code="28013",
        )
    with jurisdiction_scope(madrid):
        assert Person.objects.count() == 1
        assert set(Person.objects.get().verifications.values_list("user", flat=True)) == {first.pk, second.pk}


def test_an_account_cannot_become_a_second_person(madrid, madrid_admin):
    import_census(actor=madrid_admin, jurisdiction=madrid, file_name="a.csv", content=GOOD_CSV)
    resident = UserFactory()
    verify_by_census(
        actor=resident, jurisdiction=madrid, document_id="12345678Z", birth_date=date(1980, 5, 17), postal_code="28013"
    )
    with pytest.raises(ValidationError, match="another person"):
        verify_by_census(
            actor=resident,
            jurisdiction=madrid,
            document_id="X1234567L",
            birth_date=date(1975, 1, 2),
            postal_code="28004",
        )


def test_poll_officer_verifies_in_person(madrid, madrid_admin, unscoped):
    import_census(actor=madrid_admin, jurisdiction=madrid, file_name="a.csv", content=GOOD_CSV)
    officer, resident = UserFactory(), UserFactory()
    RoleGrantFactory(jurisdiction=madrid, user=officer, role=Role.POLL_OFFICER)
    person = verify_in_person(
        officer=officer,
        jurisdiction=madrid,
        document_id="Y7654321M",
        birth_date=date(2001, 12, 31),
        postal_code="28045",
        user=resident,
    )
    verification = Verification.objects.get(user=resident)
    assert verification.person == person
    assert verification.level == Verification.Level.OFFICER_VERIFIED
    assert verification.verified_by == officer


def test_residents_cannot_verify_others_in_person(madrid, madrid_admin):
    import_census(actor=madrid_admin, jurisdiction=madrid, file_name="a.csv", content=GOOD_CSV)
    with pytest.raises(PermissionDenied):
        verify_in_person(
            officer=UserFactory(),
            jurisdiction=madrid,
            document_id="Y7654321M",
            birth_date=date(2001, 12, 31),
            postal_code="28045",
        )


def test_census_upload_page_shows_row_errors_and_imports_nothing(client, madrid, madrid_admin):
    client.force_login(madrid_admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("padron.csv", b"document_id,date_of_birth,postal_code\nA1,1980-13-01,28013\n")
    response = client.post("/madrid/manage/census/", {"file": bad})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 2, column date_of_birth" in page
    assert census_count(madrid) == 0
    good = SimpleUploadedFile("padron.csv", GOOD_CSV)
    response = client.post("/madrid/manage/census/", {"file": good}, follow=True)
    assert "3 new" in response.content.decode()
    assert census_count(madrid) == 3


def test_verify_page_verifies_a_signed_in_resident(client, madrid, madrid_admin):
    import_census(actor=madrid_admin, jurisdiction=madrid, file_name="a.csv", content=GOOD_CSV)
    resident = UserFactory()
    client.force_login(resident)
    response = client.post(
        "/madrid/verify/", {"document_id": "12345678Z", "date_of_birth": "1980-05-17", "postal_code": "28013"}
    )
    assert response.status_code == 302
    assert Verification.objects.with_scope(jurisdiction=madrid).filter(user=resident).exists()
    response = client.post("/madrid/verify/", {"document_id": "", "date_of_birth": "soon", "postal_code": ""})
    assert response.status_code == 400
