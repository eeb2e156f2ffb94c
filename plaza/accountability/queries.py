"""Reads shared by accountability's pages, API, exports and seeds: plans, commitments, completion, history."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, Window
from django.db.models.functions import RowNumber

from plaza.accountability.models import (
    ActionPlan,
    Assessment,
    Candidate,
    Commitment,
    ForumMeeting,
    ForumMember,
    Milestone,
    PlanPartner,
    ProgressUpdate,
    Result,
    ResultMilestone,
    ResultUpdate,
    Side,
)
from plaza.core.content import is_public_content
from plaza.core.models import Attachment, ContentLink, Jurisdiction, Role, SDGTag
from plaza.core.permissions import has_role
from plaza.core.queries.sdg import tags_of

# Numbers and positions are small integers: a larger one in an address is simply not there.
LARGEST_NUMBER = 32767


def sides_for(user, plan: ActionPlan) -> list[str]:
    """The assessments `user` may post on `plan`: the government's, civil society's, both or none."""
    if user is None or not user.is_authenticated:
        return []
    sides = []
    if has_role(user, plan.jurisdiction, Role.ADMIN, Role.OFFICIAL):
        sides.append(Side.GOVERNMENT)
    if PlanPartner.objects.with_scope(jurisdiction=plan.jurisdiction).filter(plan=plan, user=user).exists():
        sides.append(Side.CIVIL_SOCIETY)
    return sides


def plans_of(jurisdiction: Jurisdiction) -> list[ActionPlan]:
    return list(ActionPlan.objects.with_scope(jurisdiction=jurisdiction).select_related("jurisdiction"))


def plan(jurisdiction: Jurisdiction, slug: str) -> ActionPlan:
    """One plan, or ActionPlan.DoesNotExist."""
    return ActionPlan.objects.with_scope(jurisdiction=jurisdiction).select_related("jurisdiction").get(slug=slug)


@dataclass
class MilestoneProgress:
    milestone: Milestone
    government: ProgressUpdate | None = None
    civil_society: ProgressUpdate | None = None
    history: list[ProgressUpdate] = field(default_factory=list)
    history_count: int = 0  # every update of the milestone; `history` may hold only the newest ones


@dataclass
class CommitmentProgress:
    commitment: Commitment
    milestones: list[MilestoneProgress]

    @property
    def completion(self) -> int:
        """The government's completion: the mean of its milestones' current percentages (none yet = 0)."""
        return _mean([m.government.percentage if m.government else 0 for m in self.milestones])

    @property
    def civil_society_completion(self) -> int | None:
        """Civil society's view of the same, or None when no partner has assessed any milestone."""
        if not any(m.civil_society for m in self.milestones):
            return None
        return _mean([m.civil_society.percentage if m.civil_society else 0 for m in self.milestones])


def _mean(values: list[int]) -> int:
    return round(sum(values) / len(values)) if values else 0


def _current_updates(jurisdiction: Jurisdiction, **filters) -> dict[tuple[int, str], ProgressUpdate]:
    updates = ProgressUpdate.objects.with_scope(jurisdiction=jurisdiction).filter(superseded_by__isnull=True, **filters)
    return {(u.milestone_id, u.side): u for u in updates}


def _progress(commitments, current, history=None) -> list[CommitmentProgress]:
    history = history or {}
    return [
        CommitmentProgress(
            commitment=c,
            milestones=[
                MilestoneProgress(
                    milestone=m,
                    government=current.get((m.pk, Side.GOVERNMENT)),
                    civil_society=current.get((m.pk, Side.CIVIL_SOCIETY)),
                    history=history.get(m.pk, []),
                    history_count=len(history.get(m.pk, [])),
                )
                for m in c.milestones.all()
            ],
        )
        for c in commitments
    ]


def plan_progress(plan: ActionPlan) -> list[CommitmentProgress]:
    """Every commitment of the plan with its milestones and their current assessments (3 queries)."""
    j = plan.jurisdiction
    commitments = (
        Commitment.objects.with_scope(jurisdiction=j)
        .filter(plan=plan)
        .select_related("jurisdiction", "plan")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.with_scope(jurisdiction=j).all()))
    )
    return _progress(commitments, _current_updates(j, milestone__commitment__plan=plan))


def plan_commitments(plan: ActionPlan) -> list[Commitment]:
    """The plan's commitments with their kept figures (milestones, each side's completion): one query."""
    found = list(Commitment.objects.with_scope(jurisdiction=plan.jurisdiction).filter(plan=plan))
    for commitment in found:
        commitment.plan, commitment.jurisdiction = plan, plan.jurisdiction  # for their addresses, no join
    return found


def jurisdiction_progress(jurisdiction: Jurisdiction) -> list[CommitmentProgress]:
    """Every commitment of every plan of the jurisdiction, for exports and figures."""
    commitments = (
        Commitment.objects.with_scope(jurisdiction=jurisdiction)
        .select_related("jurisdiction", "plan")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.with_scope(jurisdiction=jurisdiction).all())
        )
        .order_by("plan__period_start", "plan_id", "number")
    )
    return _progress(commitments, _current_updates(jurisdiction))


def commitment_progress(plan: ActionPlan, number: int, history_limit: int | None = None) -> CommitmentProgress:
    """One commitment with each milestone's current assessments and its history, or Commitment.DoesNotExist.

    With `history_limit`, each milestone's history holds only its newest updates (and `history_count` says how
    many there are): the page stays the same size, and the same few queries, however long the history grows.
    """
    if not 1 <= number <= LARGEST_NUMBER:
        raise Commitment.DoesNotExist
    j = plan.jurisdiction
    commitment = (
        Commitment.objects.with_scope(jurisdiction=j)
        .select_related("jurisdiction", "plan")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.with_scope(jurisdiction=j).all()))
        .get(plan=plan, number=number)
    )
    updates = ProgressUpdate.objects.with_scope(jurisdiction=j).filter(milestone__commitment=commitment)
    if history_limit is None:
        every = list(updates.select_related("superseded_by"))
        attach_files(every)
        history: dict[int, list[ProgressUpdate]] = defaultdict(list)
        current = {}
        for update in every:
            history[update.milestone_id].append(update)
            if not hasattr(update, "superseded_by"):
                current[(update.milestone_id, update.side)] = update
        return _progress([commitment], current, history)[0]
    newest = list(
        updates.annotate(
            rank=Window(
                RowNumber(), partition_by=[F("milestone_id")], order_by=[F("created_at").desc(), F("id").desc()]
            )
        ).filter(rank__lte=history_limit)
    )
    current = {(u.milestone_id, u.side): u for u in updates.filter(superseded_by__isnull=True)}
    attach_files(newest + list(current.values()))  # one query for both lists
    history = defaultdict(list)
    for update in newest:
        history[update.milestone_id].append(update)
    counts = dict(updates.values_list("milestone_id").annotate(n=Count("id")).values_list("milestone_id", "n"))
    progress = _progress([commitment], current, history)[0]
    for item in progress.milestones:
        item.history_count = counts.get(item.milestone.pk, 0)
    return progress


def milestone_history(milestone: Milestone):
    """Every update of one milestone, newest first (a queryset, to paginate)."""
    return ProgressUpdate.objects.with_scope(jurisdiction=milestone.jurisdiction).filter(milestone=milestone)


def commitment(plan: ActionPlan, number: int) -> Commitment:
    """One commitment of the plan, without its history (for forms), or Commitment.DoesNotExist."""
    if not 1 <= number <= LARGEST_NUMBER:
        raise Commitment.DoesNotExist
    return (
        Commitment.objects.with_scope(jurisdiction=plan.jurisdiction)
        .select_related("jurisdiction", "plan")
        .get(plan=plan, number=number)
    )


def milestone(plan: ActionPlan, number: int, position: int) -> Milestone:
    """A milestone of a commitment of this plan, or Milestone.DoesNotExist (never another jurisdiction's)."""
    if not (1 <= number <= LARGEST_NUMBER and 1 <= position <= LARGEST_NUMBER):
        raise Milestone.DoesNotExist
    return (
        Milestone.objects.with_scope(jurisdiction=plan.jurisdiction)
        .select_related("jurisdiction", "commitment__plan__jurisdiction")
        .get(commitment__plan=plan, commitment__number=number, position=position)
    )


def attach_files(objects: list) -> None:
    """Set `.documents` on each object to its core attachments, in one query for the lot."""
    if not objects:
        return
    content_type = ContentType.objects.get_for_model(objects[0])
    found = defaultdict(list)
    attachments = Attachment.objects.with_scope(jurisdiction=objects[0].jurisdiction_id).filter(
        content_type=content_type, object_id__in=[o.pk for o in objects]
    )
    for attachment in attachments.select_related("jurisdiction"):
        found[attachment.object_id].append(attachment)
    for obj in objects:
        obj.documents = found.get(obj.pk, [])


def meetings_of(plan: ActionPlan) -> list[ForumMeeting]:
    """The plan's meetings on the record (not the removed ones), each with its documents."""
    meetings = list(
        ForumMeeting.objects.with_scope(jurisdiction=plan.jurisdiction).filter(plan=plan, removed_at__isnull=True)
    )
    attach_files(meetings)
    return meetings


def meeting_record(plan: ActionPlan) -> tuple[list[ForumMeeting], list[ForumMeeting]]:
    """(meetings on the record with their documents, removed meetings newest removal first) in two queries."""
    every = list(ForumMeeting.objects.with_scope(jurisdiction=plan.jurisdiction).filter(plan=plan))
    held = [m for m in every if m.removed_at is None]
    attach_files(held)
    removed = sorted((m for m in every if m.removed_at is not None), key=lambda m: (m.removed_at, m.pk), reverse=True)
    return held, removed


def meeting(plan: ActionPlan, pk: int) -> ForumMeeting:
    """One meeting of the plan still on the record, with its documents, or ForumMeeting.DoesNotExist."""
    if not 1 <= pk <= 2**62:
        raise ForumMeeting.DoesNotExist
    found = (
        ForumMeeting.objects.with_scope(jurisdiction=plan.jurisdiction)
        .select_related("plan__jurisdiction", "jurisdiction")
        .get(plan=plan, pk=pk, removed_at__isnull=True)
    )
    attach_files([found])
    return found


def forum_of(plan: ActionPlan) -> list[ForumMember]:
    return list(ForumMember.objects.with_scope(jurisdiction=plan.jurisdiction).filter(plan=plan))


def forum_member(plan: ActionPlan, pk: int) -> ForumMember:
    """One member of the plan's forum, or ForumMember.DoesNotExist."""
    if not 1 <= pk <= 2**62:
        raise ForumMember.DoesNotExist
    return (
        ForumMember.objects.with_scope(jurisdiction=plan.jurisdiction)
        .select_related("plan__jurisdiction")
        .get(plan=plan, pk=pk)
    )


def sdg_tags_of(commitment: Commitment) -> list[SDGTag]:
    return tags_of(commitment)


def sdg_tags_by_commitment(jurisdiction: Jurisdiction) -> dict[int, list[SDGTag]]:
    content_type = ContentType.objects.get_for_model(Commitment)
    tags = SDGTag.objects.with_scope(jurisdiction=jurisdiction).filter(content_type=content_type)
    found = defaultdict(list)
    for tag in tags.select_related("goal", "target"):
        found[tag.object_id].append(tag)
    return found


def progress_updates_of(jurisdiction: Jurisdiction, plan: ActionPlan | None = None):
    """Every update, newest first, with what it is about (a timeline and an export)."""
    updates = ProgressUpdate.objects.with_scope(jurisdiction=jurisdiction).select_related(
        "jurisdiction", "milestone__commitment__plan__jurisdiction", "superseded_by"
    )
    if plan is not None:
        updates = updates.filter(milestone__commitment__plan=plan)
    return updates


def assessments_of(plan: ActionPlan) -> dict[int, list[Assessment]]:
    """Commitment id -> its assessments, newest first (the first is the current one); one query."""
    found: dict[int, list[Assessment]] = defaultdict(list)
    rows = Assessment.objects.with_scope(jurisdiction=plan.jurisdiction).filter(commitment__plan=plan)
    for assessment in rows.order_by("-created_at", "-id"):
        found[assessment.commitment_id].append(assessment)
    return found


def assessment_history(commitment: Commitment) -> list[Assessment]:
    return list(
        Assessment.objects.with_scope(jurisdiction=commitment.jurisdiction)
        .filter(commitment=commitment)
        .order_by("-created_at", "-id")
    )


def jurisdiction_assessments(jurisdiction: Jurisdiction):
    """Every assessment of the jurisdiction, oldest first, with its commitment and plan (exports)."""
    return (
        Assessment.objects.with_scope(jurisdiction=jurisdiction)
        .select_related("commitment__plan", "superseded_by")
        .order_by("commitment__plan__period_start", "commitment__plan_id", "commitment__number", "created_at", "id")
    )


def commitment_counts(jurisdiction: Jurisdiction) -> dict[int, int]:
    """Plan id -> number of commitments."""
    rows = (
        Commitment.objects.with_scope(jurisdiction=jurisdiction)
        .values("plan_id")
        .annotate(n=Count("id"))
        .values_list("plan_id", "n")
    )
    return dict(rows)


def candidates_of(plan: ActionPlan) -> list[Candidate]:
    return list(
        Candidate.objects.with_scope(jurisdiction=plan.jurisdiction)
        .filter(plan=plan)
        .select_related("commitment", "plan__jurisdiction")
    )


def tracked_sources(jurisdiction: Jurisdiction, results: list[Result]) -> dict[int, list]:
    """Result id -> the public content it tracks (a budget project, a proposal, a commitment), via core links.

    One query for the links and one per kind of source, whatever the number of results.
    """
    if not results:
        return {}
    result_type = ContentType.objects.get_for_model(Result)
    links = list(
        ContentLink.objects.with_scope(jurisdiction=jurisdiction).filter(
            kind=ContentLink.Kind.RESULT, target_type=result_type, target_id__in=[r.pk for r in results]
        )
    )
    by_type: dict[int, set[int]] = defaultdict(set)
    for link in links:
        by_type[link.source_type_id].add(link.source_id)
    objects = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        manager = model._default_manager
        rows = manager.with_scope(jurisdiction=jurisdiction) if hasattr(manager, "with_scope") else manager.all()
        for obj in rows.filter(pk__in=ids):
            if getattr(obj, "jurisdiction_id", jurisdiction.pk) == jurisdiction.pk and is_public_content(obj):
                objects[(type_id, obj.pk)] = obj
    found: dict[int, list] = defaultdict(list)
    for link in links:
        source = objects.get((link.source_type_id, link.source_id))
        if source is not None:
            found[link.target_id].append(source)
    return found


def results_of(jurisdiction: Jurisdiction) -> list[Result]:
    """Every result of the jurisdiction with `.tracks` (what it follows); a handful of queries."""
    results = list(Result.objects.with_scope(jurisdiction=jurisdiction).select_related("jurisdiction"))
    sources = tracked_sources(jurisdiction, results)
    for result in results:
        result.tracks = sources.get(result.pk, [])
    return results


def result(jurisdiction: Jurisdiction, pk: int) -> Result:
    """One result with its milestones, history, photos and what it tracks, or Result.DoesNotExist."""
    if not 1 <= pk <= 2**62:
        raise Result.DoesNotExist
    found = Result.objects.with_scope(jurisdiction=jurisdiction).select_related("jurisdiction").get(pk=pk)
    found.milestone_list = result_milestones(found)
    found.history = list(ResultUpdate.objects.with_scope(jurisdiction=jurisdiction).filter(result=found)[:200])
    attach_files([found])
    found.tracks = tracked_sources(jurisdiction, [found]).get(found.pk, [])
    return found


def result_milestones(result: Result) -> list[ResultMilestone]:
    return list(ResultMilestone.objects.with_scope(jurisdiction=result.jurisdiction).filter(result=result))


def result_milestone(result: Result, position: int) -> ResultMilestone:
    """One milestone of the result, or ResultMilestone.DoesNotExist."""
    if not 1 <= position <= LARGEST_NUMBER:
        raise ResultMilestone.DoesNotExist
    found = ResultMilestone.objects.with_scope(jurisdiction=result.jurisdiction).get(result=result, position=position)
    found.result = result  # the caller's, with its jurisdiction: no query to follow it
    return found


def result_by_external_id(jurisdiction: Jurisdiction, external_id: str) -> Result | None:
    return Result.objects.with_scope(jurisdiction=jurisdiction).filter(external_id=external_id).first()


def plan_summaries(jurisdiction: Jurisdiction) -> list[tuple[ActionPlan, int, int]]:
    """(plan, commitments, mean completion) for each plan: the commitments are decisions too."""
    progress = jurisdiction_progress(jurisdiction)
    by_plan: dict[int, list[int]] = defaultdict(list)
    plans = {}
    for item in progress:
        plans[item.commitment.plan_id] = item.commitment.plan
        by_plan[item.commitment.plan_id].append(item.completion)
    return [(plans[pk], len(values), _mean(values)) for pk, values in by_plan.items()]
