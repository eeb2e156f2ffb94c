"""Census imports and identity verification (by census match, or in person by an officer)."""

import csv
import hmac
import io
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.census import document_hash, match_hash, normalise_document, normalise_postal_code
from plaza.core.models import CensusImport, CensusRecord, Jurisdiction, Person, Role, Verification
from plaza.core.permissions import require_role
from plaza.core.sms import normalise_phone

REQUIRED_COLUMNS = ("document_id", "date_of_birth", "postal_code")
OPTIONAL_COLUMNS = ("district", "gender", "email", "phone")
MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class CensusRowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class CensusFileInvalid(ValidationError):
    def __init__(self, errors: list[CensusRowError]):
        self.row_errors = errors
        super().__init__([str(e) for e in errors])


@dataclass(frozen=True)
class CensusResult:
    census_import: CensusImport
    created: int
    updated: int
    deactivated: int


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse_census(jurisdiction: Jurisdiction, content: bytes) -> tuple[list[dict], list[CensusRowError]]:
    """Validate every row; return the hashed rows, or every error with its line number."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [CensusRowError(1, "-", _("The file is not UTF-8 text."))]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [CensusRowError(1, c, _("This column is missing from the header.")) for c in missing]
    reader.fieldnames = header
    rows, errors, seen = [], [], {}
    for line, raw in enumerate(reader, start=2):
        if None in raw:
            errors.append(CensusRowError(line, "-", _("This row has more fields than the header.")))
            continue
        doc = normalise_document(raw.get("document_id") or "")
        born = _parse_date(raw.get("date_of_birth") or "")
        postal = normalise_postal_code(raw.get("postal_code") or "")
        if not doc:
            errors.append(CensusRowError(line, "document_id", _("The document number is empty.")))
        elif doc in seen:
            errors.append(
                CensusRowError(
                    line, "document_id", _("This document number is already on line %(line)s.") % {"line": seen[doc]}
                )
            )
        if born is None:
            errors.append(CensusRowError(line, "date_of_birth", _("Write the date of birth as YYYY-MM-DD.")))
        elif born > date.today() or born.year < 1880:
            errors.append(CensusRowError(line, "date_of_birth", _("This date of birth is not possible.")))
        if not postal:
            errors.append(CensusRowError(line, "postal_code", _("The postal code is empty.")))
        email = (raw.get("email") or "").strip().lower()
        if email and not _is_email(email):
            errors.append(CensusRowError(line, "email", _("This is not an e-mail address.")))
        phone, phone_error = _phone(raw.get("phone") or "", jurisdiction.country)
        if phone_error:
            errors.append(CensusRowError(line, "phone", phone_error))
        if doc and born and postal and doc not in seen:
            seen[doc] = line
            rows.append(
                {
                    "document_hash": document_hash(jurisdiction.pk, doc),
                    "match_hash": match_hash(jurisdiction.pk, doc, born, postal),
                    "birth_year": born.year,
                    "district": (raw.get("district") or "").strip()[:100],
                    "gender": (raw.get("gender") or "").strip()[:20],
                    "email": email,
                    "phone": phone,
                }
            )
    if not rows and not errors:
        errors.append(CensusRowError(2, "-", _("The file has no rows.")))
    return rows, errors


def import_census(
    *, actor, jurisdiction: Jurisdiction, file_name: str, content: bytes, replace: bool = False
) -> CensusResult:
    """Load a census file; any invalid row rejects the whole file and nothing is written."""
    require_role(actor, jurisdiction, Role.ADMIN)
    rows, errors = parse_census(jurisdiction, content)
    if errors:
        raise CensusFileInvalid(errors)
    records = CensusRecord.objects.with_scope(jurisdiction=jurisdiction)
    with transaction.atomic():
        existing = set(
            records.filter(document_hash__in=[r["document_hash"] for r in rows]).values_list("document_hash", flat=True)
        )
        census_import = CensusImport.objects.create(
            jurisdiction=jurisdiction,
            uploaded_by=actor,
            file_name=file_name[:255],
            rows=len(rows),
            created=len(rows) - len(existing),
            updated=len(existing),
        )
        records.bulk_create(
            [CensusRecord(jurisdiction=jurisdiction, census_import=census_import, is_active=True, **r) for r in rows],
            update_conflicts=True,
            unique_fields=["jurisdiction", "document_hash"],
            update_fields=[
                "match_hash",
                "birth_year",
                "district",
                "gender",
                "email",
                "phone",
                "census_import",
                "is_active",
            ],
            batch_size=1000,
        )
        deactivated = 0
        if replace:
            deactivated = records.exclude(census_import=census_import).filter(is_active=True).update(is_active=False)
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="census.import",
            target=census_import,
            data={
                "rows": len(rows),
                "created": census_import.created,
                "updated": census_import.updated,
                "deactivated": deactivated,
            },
        )
    return CensusResult(census_import, census_import.created, census_import.updated, deactivated)


def _phone(raw: str, country: str) -> tuple[str, str]:
    """(E.164 number, "") or ("", why not): national numbers are read in the jurisdiction's country."""
    if not raw.strip():
        return "", ""
    try:
        return normalise_phone(raw, country), ""
    except ValueError:
        if not country and not raw.strip().startswith("+"):
            return "", _("Write the number with its country code, such as +33 6 12 34 56 78.")
        return "", _("This is not a phone number.")


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= 254


def census_record_matching(
    jurisdiction: Jurisdiction, *, document_id: str, birth_date: date, postal_code: str
) -> CensusRecord | None:
    """The active census record these details match, or None (for components that check the census themselves)."""
    return _matching_record(jurisdiction, document_id, birth_date, postal_code)


def _matching_record(jurisdiction: Jurisdiction, document_id: str, birth_date: date, postal_code: str):
    found = (
        CensusRecord.objects.with_scope(jurisdiction=jurisdiction)
        .filter(document_hash=document_hash(jurisdiction.pk, document_id), is_active=True)
        .first()
    )
    expected = match_hash(jurisdiction.pk, document_id, birth_date, postal_code)
    if found is None or not hmac.compare_digest(found.match_hash, expected):
        return None
    return found


def _link(*, user, jurisdiction: Jurisdiction, census_record: CensusRecord, level: int, verified_by=None):
    person, _created = Person.objects.with_scope(jurisdiction=jurisdiction).get_or_create(
        jurisdiction=jurisdiction, census_record=census_record
    )
    if user is None:
        return person, None
    verification = (
        Verification.objects.with_scope(jurisdiction=jurisdiction).select_for_update().filter(user=user).first()
    )
    if verification is not None and verification.person_id != person.pk:
        raise ValidationError(_("This account is already verified as another person."))
    if verification is None:
        verification = Verification(jurisdiction=jurisdiction, user=user, person=person, level=level)
    verification.level = max(verification.level, level)
    verification.verified_by = verified_by or verification.verified_by
    verification.save()
    return person, verification


def verify_by_census(
    *, actor, jurisdiction: Jurisdiction, document_id: str, birth_date: date, postal_code: str
) -> Verification:
    """A resident proves they are on the census; several accounts may verify as one person."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to verify your identity."))
    attempts_key = f"census-attempts:{jurisdiction.pk}:{actor.pk}"
    if cache.get(attempts_key, 0) >= MAX_FAILED_ATTEMPTS:
        raise ValidationError(_("Too many attempts. Try again in an hour or visit a service point."))
    census_record = _matching_record(jurisdiction, document_id, birth_date, postal_code)
    if census_record is None:
        cache.set(attempts_key, cache.get(attempts_key, 0) + 1, ATTEMPT_WINDOW_SECONDS)
        raise ValidationError(_("These details do not match the census. Check them and try again."))
    with transaction.atomic():
        _person, verification = _link(
            user=actor, jurisdiction=jurisdiction, census_record=census_record, level=Verification.Level.VERIFIED
        )
        record(jurisdiction=jurisdiction, actor=actor, action="identity.verify_census", target=verification)
    return verification


def verify_in_person(
    *, officer, jurisdiction: Jurisdiction, document_id: str, birth_date: date, postal_code: str, user=None
) -> Person:
    """A poll officer checks a resident's document in person; the account, if given, is officer-verified."""
    require_role(officer, jurisdiction, Role.POLL_OFFICER, Role.ADMIN)
    census_record = _matching_record(jurisdiction, document_id, birth_date, postal_code)
    if census_record is None:
        raise ValidationError(_("This person is not on the census with these details."))
    with transaction.atomic():
        person, verification = _link(
            user=user,
            jurisdiction=jurisdiction,
            census_record=census_record,
            level=Verification.Level.OFFICER_VERIFIED,
            verified_by=officer,
        )
        record(
            jurisdiction=jurisdiction, actor=officer, action="identity.verify_in_person", target=verification or person
        )
    return person
