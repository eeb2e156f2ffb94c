"""Tagging content with Sustainable Development Goals and targets."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.content import jurisdiction_of
from plaza.core.models import Role, SDGGoal, SDGTag, SDGTarget
from plaza.core.permissions import require_role
from plaza.core.tenancy import jurisdiction_scope


def _check_sdg_tags(goals: list[int], targets: list[str]) -> tuple[list[SDGGoal], list[SDGTarget]]:
    found_goals = list(SDGGoal.objects.filter(number__in=set(goals)))
    missing = sorted(set(goals) - {g.number for g in found_goals})
    if missing:
        raise ValidationError({"goals": _("There is no goal %(numbers)s.") % {"numbers": ", ".join(map(str, missing))}})
    found_targets = list(SDGTarget.objects.filter(code__in=set(targets)).select_related("goal"))
    missing_codes = sorted(set(targets) - {t.code for t in found_targets})
    if missing_codes:
        raise ValidationError({"targets": _("There is no target %(codes)s.") % {"codes": ", ".join(missing_codes)}})
    return found_goals, found_targets


def set_sdg_tags(*, actor, content: models.Model, goals: list[int], targets: list[str] = ()) -> list[SDGTag]:
    """Replace the goals and targets `content` is tagged with (a target implies its goal).

    Jurisdiction admins and officials tag their jurisdiction's content.
    """
    jurisdiction = jurisdiction_of(content)
    require_role(actor, jurisdiction, Role.ADMIN, Role.OFFICIAL)
    found_goals, found_targets = _check_sdg_tags(list(goals), list(targets))
    # A target says more than its goal: the goal alone is tagged only when none of its targets is.
    targeted = {t.goal_id for t in found_targets}
    wanted = [(g, None) for g in found_goals if g.pk not in targeted] + [(t.goal, t) for t in found_targets]
    content_type = ContentType.objects.get_for_model(content)
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        SDGTag.objects.filter(content_type=content_type, object_id=content.pk).delete()
        tags = SDGTag.objects.bulk_create(
            [
                SDGTag(jurisdiction=jurisdiction, content_type=content_type, object_id=content.pk, goal=g, target=t)
                for g, t in wanted
            ]
        )
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="sdg.tag",
            target=content,
            data={"goals": sorted(g.number for g, _t in wanted), "targets": sorted(t.code for _g, t in wanted if t)},
            public=True,
        )
    return tags
