"""Demo content for page components."""

from plaza.core.search import index_object
from plaza.pages.models import Page


def seed(jurisdiction, process, component) -> None:
    page, _created = Page.objects.with_scope(jurisdiction=jurisdiction).get_or_create(
        component=component,
        defaults={
            "jurisdiction": jurisdiction,
            "body": f"## {process.title}\n\n{process.description}\n\n*How to take part*: read the phases "
            "above, verify your identity, and join in while a phase is open.",
        },
    )
    index_object(page)
