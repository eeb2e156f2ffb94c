"""Proposals: residents' proposals with supports and a threshold, and open debates."""

from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "plaza.proposals"
    label = "proposals"
    verbose_name = "Proposals"
