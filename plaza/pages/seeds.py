"""Demo content for page components."""

from plaza.pages.models import Page


def seed(jurisdiction, process, component) -> None:
    Page.objects.with_scope(jurisdiction=jurisdiction).get_or_create(
        component=component,
        defaults={
            "jurisdiction": jurisdiction,
            "body": f"## {process.title}\n\n{process.description}\n\n*How to take part*: read the phases "
            "above, verify your identity, and join in while a phase is open.",
        },
    )
