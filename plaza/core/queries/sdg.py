"""Reading SDG tags: goals with counts of tagged public content, and the content tagged with a goal."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from plaza.core.content import is_public_content, jurisdiction_of
from plaza.core.models import Jurisdiction, SDGGoal, SDGTag


@dataclass
class GoalCount:
    goal: SDGGoal
    count: int


def goals() -> list[SDGGoal]:
    return list(SDGGoal.objects.all())


def goal(number: int) -> SDGGoal:
    """One goal with its targets, or SDGGoal.DoesNotExist."""
    return SDGGoal.objects.prefetch_related("targets").get(number=number)


def _load(content_type_id: int, ids: set[int]) -> dict[int, models.Model]:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        return {}
    found = model._default_manager.filter(pk__in=ids)
    if any(f.name == "jurisdiction" for f in model._meta.fields):
        found = found.select_related("jurisdiction")
    return {obj.pk: obj for obj in found}


def tagged_public_content(jurisdiction: Jurisdiction, goal_number: int | None = None) -> list[tuple[SDGTag, object]]:
    """(tag, content) pairs of the jurisdiction's public content, optionally for one goal.

    One query for the tags plus one per kind of content: tagged objects of one model load together.
    """
    tags = SDGTag.objects.with_scope(jurisdiction=jurisdiction).select_related("goal", "target")
    if goal_number is not None:
        tags = tags.filter(goal__number=goal_number)
    tags = list(tags)
    wanted: dict[int, set[int]] = defaultdict(set)
    for tag in tags:
        wanted[tag.content_type_id].add(tag.object_id)
    loaded = {ct: _load(ct, ids) for ct, ids in wanted.items()}
    pairs = []
    for tag in tags:
        content = loaded[tag.content_type_id].get(tag.object_id)
        if content is not None and is_public_content(content):
            pairs.append((tag, content))
    return pairs


def objects_tagged_with_goal(jurisdiction: Jurisdiction, goal_number: int) -> list[object]:
    """The jurisdiction's public content tagged with the goal (or one of its targets), each once."""
    seen, found = set(), []
    for tag, content in tagged_public_content(jurisdiction, goal_number):
        key = (tag.content_type_id, tag.object_id)
        if key not in seen:
            seen.add(key)
            found.append(content)
    return found


def goals_with_counts(jurisdiction: Jurisdiction) -> list[GoalCount]:
    """Every goal and how many pieces of the jurisdiction's public content it tags."""
    per_goal: dict[int, set] = defaultdict(set)
    for tag, _content in tagged_public_content(jurisdiction):
        per_goal[tag.goal_id].add((tag.content_type_id, tag.object_id))
    return [GoalCount(g, len(per_goal.get(g.pk, ()))) for g in goals()]


def tags_of(content: models.Model) -> list[SDGTag]:
    return list(
        SDGTag.objects.with_scope(jurisdiction=jurisdiction_of(content))
        .filter(content_type=ContentType.objects.get_for_model(content), object_id=content.pk)
        .select_related("goal", "target")
    )
