"""The page component's manifest: proves the component mechanism with the simplest thing."""

from django.utils.translation import gettext_lazy as _

from plaza.core.components import ComponentManifest, registry

manifest = registry.register(
    ComponentManifest(
        name="page",
        label=_("Page"),
        description=_("A page of text inside a process."),
        demo_title=_("About this process"),
        process_urls="plaza.pages.urls",
        seeds="plaza.pages.seeds:seed",
    )
)
