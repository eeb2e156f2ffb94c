"""Core: tenancy, identity, processes and the services every component shares."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    default = True
    name = "plaza.core"
    label = "core"
    verbose_name = "Plaza core"

    def ready(self) -> None:
        # Every installed app may ship a component.py manifest; core never names them.
        autodiscover_modules("component")
        # Background job handlers live in each app's jobs.py (core's own included).
        autodiscover_modules("jobs")
        from plaza.core import audit_export, lookups, signals  # noqa: F401
        from plaza.core.operations import notifications  # noqa: F401 - registers its e-mail job


class PlazaAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "plaza.core.admin.PlazaAdminSite"
