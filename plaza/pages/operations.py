"""Writing a page's text (a jurisdiction admin's power)."""

from django.db import transaction

from plaza.core.audit import record
from plaza.core.models import ComponentInstance, Role
from plaza.core.permissions import require_role
from plaza.core.search import index_object
from plaza.pages.models import Page


def write_page(*, actor, component: ComponentInstance, body: str) -> Page:
    require_role(actor, component.jurisdiction, Role.ADMIN, process=component.process)
    with transaction.atomic():
        page, _created = Page.objects.with_scope(jurisdiction=component.jurisdiction).update_or_create(
            component=component, defaults={"jurisdiction": component.jurisdiction, "body": body}
        )
        record(jurisdiction=component.jurisdiction, actor=actor, action="page.write", target=component, public=True)
        index_object(page)
    return page
