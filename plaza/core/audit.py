"""Writing to the audit log: every privileged operation calls `record` in its transaction."""

from django.db import models

from plaza.core.models import AuditEntry, Jurisdiction


def record(
    *,
    jurisdiction: Jurisdiction,
    actor,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    data: dict | None = None,
    public: bool = False,
) -> AuditEntry:
    label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.display_name
    entry = AuditEntry(
        jurisdiction=jurisdiction,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_label=str(label),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:300] if target is not None else "",
        reason=reason,
        data=data or {},
        is_public=public,
    )
    entry.save()
    return entry
