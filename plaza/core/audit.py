"""Writing to the audit log: every privileged operation calls `record` in its transaction."""

from django.db import models

from plaza.core.models import AuditEntry, Jurisdiction


def record(**fields) -> AuditEntry:
    """Write one audit entry (the fields of `new_entry`), in the caller's transaction."""
    entry = new_entry(**fields)
    entry.save()
    return entry


def new_entry(
    *,
    jurisdiction: Jurisdiction,
    actor,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    data: dict | None = None,
    public: bool = False,
) -> AuditEntry:
    """The entry `record` saves, unsaved: for an operation that writes its rows together (`plaza.core.rows`)."""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
        jurisdiction=jurisdiction,
        actor=actor if signed_in else None,
        actor_label=str(actor.display_name) if signed_in else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        reason=reason,
        data=data or {},
        is_public=public,
    )
