"""Pages: the built-in trivial component, a static page inside a process."""

from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "plaza.pages"
    label = "pages"
    verbose_name = "Pages"
