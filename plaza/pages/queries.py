"""Reading a component's page."""

from plaza.core.models import ComponentInstance
from plaza.pages.models import Page


def page_for(component: ComponentInstance) -> Page | None:
    return Page.objects.with_scope(jurisdiction=component.jurisdiction).filter(component=component).first()
