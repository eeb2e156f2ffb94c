"""Any piece of content, generically: the jurisdiction it belongs to and whether the public may see it.

Attachments, SDG tags and search documents point at objects of any app; these two questions
are what core asks of such an object, so a component answers them once on its model:

- `jurisdiction`: a foreign key (every TenantModel has it); a Jurisdiction is its own;
- `is_public_content()` if defined, else `is_published`, else `is_public`; nothing says "public" = private.
"""

from django.db import models

from plaza.core.models import Jurisdiction


def jurisdiction_of(obj: models.Model) -> Jurisdiction:
    if isinstance(obj, Jurisdiction):
        return obj
    jurisdiction = getattr(obj, "jurisdiction", None)
    if jurisdiction is None:
        raise ValueError(f"{obj._meta.label} does not belong to a jurisdiction.")
    return jurisdiction


def is_public_content(obj: models.Model) -> bool:
    """Whether an anonymous visitor may see the object (private unless it says otherwise)."""
    if isinstance(obj, Jurisdiction):
        return obj.is_active
    decides = getattr(obj, "is_public_content", None)
    if callable(decides):
        return bool(decides())
    for flag in ("is_published", "is_public"):
        value = getattr(obj, flag, None)
        if isinstance(value, bool):
            return value
    return False
