"""Proposals: residents' proposals with supports and a threshold, and open debates."""

from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "plaza.proposals"
    label = "proposals"
    verbose_name = "Proposals"

    def ready(self) -> None:
        from plaza.proposals import signals  # noqa: F401  (connects the comment count's receivers)
