"""Accountability: OGP action plans, their co-creation, commitments, milestones and progress."""

from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "plaza.accountability"
    label = "accountability"
    verbose_name = "Accountability"

    def ready(self) -> None:
        from plaza.accountability import signals

        signals.connect()
