"""Who belongs to an organisation: its officials (a grant naming it as department) and the admins."""

from django.db.models import Q, QuerySet

from plaza.core.models import Jurisdiction, Role, RoleGrant
from plaza.core.permissions import has_role
from plaza.data.models import Dataset, Organization


def member_departments(user, jurisdiction: Jurisdiction) -> set[str]:
    """The departments named on the user's jurisdiction-wide official grants, case-folded."""
    if user is None or not user.is_authenticated:
        return set()
    grants = RoleGrant.objects.with_scope(jurisdiction=jurisdiction).filter(
        user=user, role=Role.OFFICIAL, process__isnull=True
    )
    return {d.casefold() for d in grants.values_list("department", flat=True) if d}


def sees_every_organization(user, jurisdiction: Jurisdiction) -> bool:
    return has_role(user, jurisdiction, Role.ADMIN)


def member_organizations(user, jurisdiction: Jurisdiction) -> QuerySet[Organization]:
    """Organisations the user publishes for: every one for admins, else those a grant names (short name or name)."""
    organizations = Organization.objects.with_scope(jurisdiction=jurisdiction).all()
    if sees_every_organization(user, jurisdiction):
        return organizations
    departments = member_departments(user, jurisdiction)
    if not departments:
        return organizations.none()
    ids = [o.pk for o in organizations if o.name.casefold() in departments or o.title.casefold() in departments]
    return organizations.filter(pk__in=ids)


def is_member(user, organization: Organization) -> bool:
    return member_organizations(user, organization.jurisdiction).filter(pk=organization.pk).exists()


def visible_filter(user, jurisdiction: Jurisdiction) -> Q:
    """Public datasets, plus drafts and private ones of the user's organisations."""
    if sees_every_organization(user, jurisdiction):
        return Q()
    mine = list(member_organizations(user, jurisdiction).values_list("pk", flat=True))
    if not mine:
        return Q(state=Dataset.State.PUBLIC)
    return Q(state=Dataset.State.PUBLIC) | Q(organization__in=mine)
