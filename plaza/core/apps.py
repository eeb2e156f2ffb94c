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
        from django.core.signals import request_finished, request_started

        from plaza.core import audit_export, fragments, lookups, signals  # noqa: F401
        from plaza.core.operations import notifications  # noqa: F401 - registers its e-mail job

        # Kept values read their topics' versions once per request (plaza.core.fragments.kept).
        request_started.connect(fragments.request_versions, dispatch_uid="plaza.fragments.request_versions")
        request_finished.connect(fragments.forget_request_versions, dispatch_uid="plaza.fragments.forget_versions")


class PlazaAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "plaza.core.admin.PlazaAdminSite"
