"""Who may vote in a votation: the jurisdiction's active census, narrowed by district and minimum age."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.models import CensusRecord, Person, Verification
from plaza.votes.models import Votation


def reference_year(votation: Votation) -> int:
    # The census keeps only the birth year: a person is as old as the year they turn in the closing year.
    return timezone.localtime(votation.closes_at, votation.jurisdiction.zone).year


def electorate(votation: Votation) -> QuerySet:
    """The census records of everyone who may vote."""
    records = CensusRecord.objects.with_scope(jurisdiction=votation.jurisdiction).filter(is_active=True)
    if votation.district:
        records = records.filter(district=votation.district)
    if votation.min_age is not None:
        records = records.filter(birth_year__lte=reference_year(votation) - votation.min_age)
    return records


def census_conditions(votation: Votation) -> tuple[str, dict]:
    """`electorate`'s conditions on a census record `c`, as SQL for `plaza.core.api.lean.holder_sql`, and their
    parameters (a record with no birth year is outside an electorate with a minimum age, as `ineligibility` says)."""
    sql, params = " AND c.is_active", {}
    if votation.district:
        sql, params["district"] = f"{sql} AND c.district = %(district)s", votation.district
    if votation.min_age is not None:
        sql, params["born_by"] = f"{sql} AND c.birth_year <= %(born_by)s", reference_year(votation) - votation.min_age
    return sql, params


def ineligibility(votation: Votation, person: Person) -> str:
    """Why `person` may not vote in `votation` (translated), or "" when they may."""
    record = person.census_record
    if not record.is_active:
        return _("You are no longer on the census, so you cannot vote.")
    if votation.district and record.district != votation.district:
        return _("Only residents of %(district)s can vote in this votation.") % {"district": votation.district}
    if votation.min_age is not None and (
        record.birth_year is None or reference_year(votation) - record.birth_year < votation.min_age
    ):
        return _("Only residents aged %(age)s or over can vote in this votation.") % {"age": votation.min_age}
    return ""


def person_of(user, jurisdiction) -> Person | None:
    """The verified person behind a signed-in account in this jurisdiction, if any."""
    if user is None or not user.is_authenticated:
        return None
    verification = (
        Verification.objects.with_scope(jurisdiction=jurisdiction)
        .filter(user=user)
        .select_related("person__census_record")
        .first()
    )
    return verification.person if verification else None
