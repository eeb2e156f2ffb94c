"""The page component's open data: every published page's text."""

from plaza.core.models import Jurisdiction
from plaza.pages.models import Page


def pages_rows(jurisdiction: Jurisdiction):
    pages = Page.objects.with_scope(jurisdiction=jurisdiction).filter(
        component__is_published=True, component__process__is_published=True
    )
    for page in pages.select_related("component__process", "component__jurisdiction").order_by("id"):
        yield {
            "process": page.component.process.slug,
            "component": page.component.slug,
            "title": page.component.title,
            "body": page.body,
            "updated_at": page.updated_at,
            "url": page.component.get_absolute_url(),
        }
