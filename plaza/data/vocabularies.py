"""The controlled vocabularies a dataset's metadata draws from: EU data themes, frequencies, licences."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"


class Theme(models.TextChoices):
    """The EU Publications Office's data themes (DCAT-AP's dcat:theme vocabulary)."""

    AGRI = "AGRI", _("Agriculture, fisheries, forestry and food")
    ECON = "ECON", _("Economy and finance")
    EDUC = "EDUC", _("Education, culture and sport")
    ENER = "ENER", _("Energy")
    ENVI = "ENVI", _("Environment")
    GOVE = "GOVE", _("Government and public sector")
    HEAL = "HEAL", _("Health")
    INTR = "INTR", _("International issues")
    JUST = "JUST", _("Justice, legal system and public safety")
    REGI = "REGI", _("Regions and cities")
    SOCI = "SOCI", _("Population and society")
    TECH = "TECH", _("Science and technology")
    TRAN = "TRAN", _("Transport")


class Frequency(models.TextChoices):
    """The EU Publications Office's frequencies (dct:accrualPeriodicity)."""

    CONT = "CONT", _("Continuously updated")
    DAILY = "DAILY", _("Daily")
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")
    QUARTERLY = "QUARTERLY", _("Quarterly")
    ANNUAL = "ANNUAL", _("Annual")
    IRREG = "IRREG", _("Irregular")
    NEVER = "NEVER", _("Never")
    UNKNOWN = "UNKNOWN", _("Unknown")


@dataclass(frozen=True)
class Licence:
    id: str
    title: str
    url: str
    spdx: str
    od_conformance: str

    @property
    def is_open(self) -> bool:
        return self.od_conformance == "approved" or self.id == "kogl-type1"


@cache
def licences() -> dict[str, Licence]:
    """The licences shipped in plaza/data/data/licenses.json, keyed by id."""
    raw = json.loads((Path(__file__).parent / "data" / "licenses.json").read_text(encoding="utf-8"))
    return {item["id"]: Licence(**item) for item in raw["licenses"]}


def licence_choices() -> list[tuple[str, str]]:
    return [(lic.id, lic.title) for lic in licences().values()]


def theme_uri(code: str) -> str:
    return THEME_BASE + code


def frequency_uri(code: str) -> str:
    return FREQUENCY_BASE + code
