"""The page component's manifest: proves the component mechanism with the simplest thing."""

from django.utils.translation import gettext_lazy as _

from plaza.core.components import ComponentManifest, Export, registry
from plaza.core.search import SearchFields
from plaza.pages.exports import pages_rows


def page_search_fields(page) -> SearchFields:
    component = page.component
    return SearchFields(
        title=component.title,
        body=page.body,
        url=component.get_absolute_url(),
        is_public=component.is_published and component.process.is_published,
    )


def page_stats(component) -> list[tuple[str, int]]:
    page = getattr(component, "page", None)
    return [(_("words"), len(page.body.split()) if page else 0)]


manifest = registry.register(
    ComponentManifest(
        name="page",
        label=_("Page"),
        description=_("A page of text inside a process."),
        demo_title=_("About this process"),
        process_urls="plaza.pages.urls",
        seeds="plaza.pages.seeds:seed",
        search={"pages.page": page_search_fields},
        exports=(
            Export(
                "pages",
                _("Pages of processes"),
                ("process", "component", "title", "body", "updated_at", "url"),
                pages_rows,
            ),
        ),
        stats=page_stats,
    )
)
