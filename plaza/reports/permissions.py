"""Who handles a report: the jurisdiction's admins, and officials of the report's department."""

from plaza.core.models import Jurisdiction, Role, RoleGrant
from plaza.core.permissions import has_role


def departments_of(user, jurisdiction: Jurisdiction) -> list[str]:
    """The departments the user works for as an official here."""
    if user is None or not user.is_authenticated:
        return []
    grants = RoleGrant.objects.with_scope(jurisdiction=jurisdiction).filter(
        user=user, role=Role.OFFICIAL, process__isnull=True
    )
    return sorted({d for d in grants.values_list("department", flat=True) if d})


def is_report_staff(user, jurisdiction: Jurisdiction) -> bool:
    """Admins, and officials with a department: the people who have an inbox here."""
    return has_role(user, jurisdiction, Role.ADMIN) or bool(departments_of(user, jurisdiction))


def may_handle(user, report) -> bool:
    if has_role(user, report.jurisdiction, Role.ADMIN):
        return True
    return report.department in departments_of(user, report.jurisdiction)
