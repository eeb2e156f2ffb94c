"""Reading the audit log: the public part for residents, all of it for admins."""

from django.db.models import QuerySet

from plaza.core.models import AuditEntry, Jurisdiction


def public_audit_log(jurisdiction: Jurisdiction) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.with_scope(jurisdiction=jurisdiction).filter(is_public=True)


def full_audit_log(jurisdiction: Jurisdiction) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.with_scope(jurisdiction=jurisdiction).select_related("actor")
