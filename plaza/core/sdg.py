"""Loading the SDG taxonomy shipped in `plaza/core/data/sdg/` (Open SDG's translations, MIT) into its tables.

Idempotent: rows are found by code and only changed rows are written, so migrations, the
demo loader and tests may all call it. Languages missing from the source (Portuguese) fall
back to English when shown, see `plaza.core.models.sdg`.
"""

import unicodedata
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data" / "sdg"
LANGUAGES = ("en", "es", "fr")
# The official UN colours of the 17 goals (sdgs.un.org communications materials).
COLOURS = (
    "#E5243B", "#DDA63A", "#4C9F38", "#C5192D", "#FF3A21", "#26BDE2", "#FCC30B", "#A21942", "#FD6925",
    "#DD1367", "#FD9D24", "#BF8B2E", "#3F7E44", "#0A97D9", "#56C02B", "#00689D", "#19486A",
)  # fmt: skip


def _target_sort_key(code: str) -> tuple[int, int, str]:
    goal, rest = code.split(".")
    # Numbered targets first (11.1 … 11.7), then means of implementation (11.a, 11.b, 11.c).
    return (int(goal), 0 if rest.isdigit() else 1, rest.zfill(3))


def _clean(text: str) -> str:
    # The source wraps lines and mixes decomposed accents (NFD); pages and search want NFC.
    return unicodedata.normalize("NFC", " ".join(text.split()))


@cache
def read_taxonomy() -> tuple[dict, dict]:
    """({goal number: {short, title}}, {target code: {language: title}}) from the shipped YAML."""
    goals: dict[int, dict] = {}
    targets: dict[str, dict] = {}
    for language in LANGUAGES:
        with open(DATA_DIR / f"{language}-global_goals.yml", encoding="utf-8") as f:
            for key, text in yaml.safe_load(f).items():
                number, field = key.split("-")
                goals.setdefault(int(number), {"short": {}, "title": {}})[field][language] = _clean(text)
        with open(DATA_DIR / f"{language}-global_targets.yml", encoding="utf-8") as f:
            for key, text in yaml.safe_load(f).items():
                goal, target, _title = key.split("-")
                targets.setdefault(f"{goal}.{target}", {})[language] = _clean(text)
    return goals, targets


def load_sdg_taxonomy(goal_model=None, target_model=None) -> tuple[int, int]:
    """Create or update the 17 goals and 169 targets; returns how many rows were written."""
    if goal_model is None or target_model is None:
        from plaza.core.models import SDGGoal as goal_model
        from plaza.core.models import SDGTarget as target_model
    goals, targets = read_taxonomy()
    existing_goals = {g.number: g for g in goal_model.objects.all()}
    written_goals = 0
    for number, texts in sorted(goals.items()):
        values = {
            "code": str(number),
            "short_titles": texts["short"],
            "titles": texts["title"],
            "colour": COLOURS[number - 1],
        }
        written_goals += _upsert(goal_model, existing_goals.get(number), {"number": number, **values})
    by_number = {g.number: g for g in goal_model.objects.all()}
    existing_targets = {t.code: t for t in target_model.objects.all()}
    ordered = sorted(targets, key=_target_sort_key)
    written_targets = 0
    for position, code in enumerate(ordered, start=1):
        goal = by_number[int(code.split(".")[0])]
        values = {"code": code, "goal_id": goal.pk, "position": position, "titles": targets[code]}
        written_targets += _upsert(target_model, existing_targets.get(code), values)
    return written_goals, written_targets


def _upsert(model, row, values: dict) -> int:
    if row is None:
        model.objects.create(**values)
        return 1
    if all(getattr(row, name) == value for name, value in values.items()):
        return 0
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    return 1
