"""Accountability's open data: commitments with OGP's fields and completion, and every progress update."""

from plaza.accountability import queries
from plaza.core.models import Jurisdiction

COMMITMENT_COLUMNS = (
    "plan",
    "plan_title",
    "plan_status",
    "number",
    "title",
    "problem",
    "description",
    "contribution",
    "ogp_values",
    "policy_areas",
    "sdg_goals",
    "sdg_targets",
    "lead_institution",
    "supporting_government",
    "supporting_civil_society",
    "start_date",
    "end_date",
    "milestones",
    "completion",
    "civil_society_completion",
    "url",
)
UPDATE_COLUMNS = (
    "id",
    "plan",
    "commitment",
    "milestone",
    "deliverable",
    "side",
    "status",
    "percentage",
    "narrative",
    "links",
    "posted_by",
    "organisation",
    "posted_at",
    "supersedes",
    "is_current",
)
SEPARATOR = "; "  # lists are one cell in CSV, and the same string in JSON, so both formats agree


def commitments_rows(jurisdiction: Jurisdiction):
    tags = queries.sdg_tags_by_commitment(jurisdiction)
    for item in queries.jurisdiction_progress(jurisdiction):
        commitment, plan = item.commitment, item.commitment.plan
        own_tags = tags.get(commitment.pk, [])
        yield {
            "plan": plan.slug,
            "plan_title": plan.title,
            "plan_status": plan.status,
            "number": commitment.number,
            "title": commitment.title,
            "problem": commitment.problem,
            "description": commitment.description,
            "contribution": commitment.contribution,
            "ogp_values": SEPARATOR.join(commitment.ogp_values),
            "policy_areas": SEPARATOR.join(commitment.policy_areas),
            "sdg_goals": SEPARATOR.join(sorted({str(t.goal.number) for t in own_tags}, key=int)),
            "sdg_targets": SEPARATOR.join(sorted(t.target.code for t in own_tags if t.target)),
            "lead_institution": commitment.lead_institution,
            "supporting_government": SEPARATOR.join(commitment.supporting_government),
            "supporting_civil_society": SEPARATOR.join(commitment.supporting_civil_society),
            "start_date": commitment.start_date,
            "end_date": commitment.end_date,
            "milestones": len(item.milestones),
            "completion": item.completion,
            "civil_society_completion": item.civil_society_completion,
            "url": commitment.get_absolute_url(),
        }


def progress_updates_rows(jurisdiction: Jurisdiction):
    updates = queries.progress_updates_of(jurisdiction).order_by("created_at", "id")
    for update in updates.iterator(chunk_size=500):
        milestone = update.milestone
        yield {
            "id": update.pk,
            "plan": milestone.commitment.plan.slug,
            "commitment": milestone.commitment.number,
            "milestone": milestone.position,
            "deliverable": milestone.deliverable,
            "side": update.side,
            "status": update.status,
            "percentage": update.percentage,
            "narrative": update.narrative,
            "links": SEPARATOR.join(update.links),
            "posted_by": update.author_label,
            "organisation": update.organisation,
            "posted_at": update.created_at,
            "supersedes": update.supersedes_id,
            "is_current": not hasattr(update, "superseded_by"),
        }


PLAN_COLUMNS = ("slug", "title", "description", "period_start", "period_end", "status", "commitments", "url")
MILESTONE_COLUMNS = (
    "plan",
    "commitment",
    "position",
    "deliverable",
    "due_date",
    "government_status",
    "government_percentage",
    "civil_society_status",
    "civil_society_percentage",
)
ASSESSMENT_COLUMNS = (
    "id",
    "plan",
    "commitment",
    "commitment_title",
    "relevance",
    "potential_impact",
    "completion",
    "opened_government",
    "justification",
    "assessed_by",
    "assessed_at",
    "supersedes",
    "is_current",
)


def plans_rows(jurisdiction: Jurisdiction):
    counts = queries.commitment_counts(jurisdiction)
    for plan in queries.plans_of(jurisdiction):
        yield {
            "slug": plan.slug,
            "title": plan.title,
            "description": plan.description,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "status": plan.status,
            "commitments": counts.get(plan.pk, 0),
            "url": plan.get_absolute_url(),
        }


def milestones_rows(jurisdiction: Jurisdiction):
    for item in queries.jurisdiction_progress(jurisdiction):
        for m in item.milestones:
            yield {
                "plan": item.commitment.plan.slug,
                "commitment": item.commitment.number,
                "position": m.milestone.position,
                "deliverable": m.milestone.deliverable,
                "due_date": m.milestone.due_date,
                "government_status": m.government.status if m.government else None,
                "government_percentage": m.government.percentage if m.government else None,
                "civil_society_status": m.civil_society.status if m.civil_society else None,
                "civil_society_percentage": m.civil_society.percentage if m.civil_society else None,
            }


def assessments_rows(jurisdiction: Jurisdiction):
    for a in queries.jurisdiction_assessments(jurisdiction).iterator(chunk_size=500):
        yield {
            "id": a.pk,
            "plan": a.commitment.plan.slug,
            "commitment": a.commitment.number,
            "commitment_title": a.commitment.title,
            "relevance": a.relevance,
            "potential_impact": a.potential_impact,
            "completion": a.completion,
            "opened_government": a.opened_government,
            "justification": a.justification,
            "assessed_by": a.assessor_label,
            "assessed_at": a.created_at,
            "supersedes": a.supersedes_id,
            "is_current": not hasattr(a, "superseded_by"),
        }


RESULT_COLUMNS = (
    "id",
    "external_id",
    "title",
    "status",
    "progress",
    "budget_spent",
    "currency",
    "tracks",
    "updated_at",
    "url",
)


def results_rows(jurisdiction: Jurisdiction):
    for result in queries.results_of(jurisdiction):
        yield {
            "id": result.pk,
            "external_id": result.external_id,
            "title": result.title,
            "status": result.status,
            "progress": result.progress,
            "budget_spent": None if result.budget_spent is None else f"{result.budget_spent:.2f}",
            "currency": result.currency,
            "tracks": SEPARATOR.join(
                source.get_absolute_url() for source in result.tracks if hasattr(source, "get_absolute_url")
            ),
            "updated_at": result.updated_at,
            "url": result.get_absolute_url(),
        }
