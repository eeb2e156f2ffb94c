"""The reports app's configuration."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "plaza.reports"
    label = "reports"
    verbose_name = "Civic reports"

    def ready(self) -> None:
        from plaza.reports import signals

        signals.connect()
