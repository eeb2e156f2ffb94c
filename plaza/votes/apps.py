"""Votes: binding votations with a secret ballot, counted exactly once, with a tally anyone can recompute."""

from django.apps import AppConfig


class VotesConfig(AppConfig):
    name = "plaza.votes"
    label = "votes"
    verbose_name = "Votes"
