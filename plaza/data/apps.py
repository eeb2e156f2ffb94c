"""The open data portal app."""

from django.apps import AppConfig


class DataConfig(AppConfig):
    name = "plaza.data"
    label = "data"
    verbose_name = "Open data"
