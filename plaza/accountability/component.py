"""The accountability component's manifest: OGP action plans and commitments, tracked in public."""

from django.utils.translation import gettext_lazy as _

from plaza.accountability.exports import (
    ASSESSMENT_COLUMNS,
    COMMITMENT_COLUMNS,
    MILESTONE_COLUMNS,
    PLAN_COLUMNS,
    RESULT_COLUMNS,
    UPDATE_COLUMNS,
    assessments_rows,
    commitments_rows,
    milestones_rows,
    plans_rows,
    progress_updates_rows,
    results_rows,
)
from plaza.core.components import ComponentManifest, Export, LinkTarget, PermissionAction, registry
from plaza.core.search import SearchFields


def plan_search_fields(plan) -> SearchFields:
    return SearchFields(title=plan.title, body=plan.description, url=plan.get_absolute_url(), is_public=True)


def commitment_search_fields(commitment) -> SearchFields:
    body = "\n\n".join(
        [
            commitment.problem,
            commitment.description,
            commitment.contribution,
            commitment.lead_institution,
            " ".join(commitment.policy_areas),
            " ".join(commitment.supporting_government + commitment.supporting_civil_society),
        ]
    )
    return SearchFields(title=commitment.title, body=body, url=commitment.get_absolute_url(), is_public=True)


def accountability_stats(component) -> list[tuple[str, int]]:
    from plaza.accountability.queries import jurisdiction_progress

    progress = jurisdiction_progress(component.jurisdiction)
    return [
        (_("commitments"), len(progress)),
        (
            _("milestones complete"),
            sum(1 for c in progress for m in c.milestones if m.government and m.government.percentage == 100),
        ),
    ]


manifest = registry.register(
    ComponentManifest(
        name="accountability",
        label=_("Action plan and commitments"),
        description=_("Open government action plans: co-creation, commitments, milestones and their progress."),
        demo_title=_("Action plan"),
        process_urls="plaza.accountability.process_urls",
        jurisdiction_urls="plaza.accountability.urls",
        api_router="plaza.accountability.api:router",
        seeds="plaza.accountability.seeds:seed",
        search={"accountability.actionplan": plan_search_fields, "accountability.commitment": commitment_search_fields},
        exports=(
            Export("plans", _("Open government action plans"), PLAN_COLUMNS, plans_rows),
            Export(
                "commitments",
                _("Action plan commitments with OGP fields and completion"),
                COMMITMENT_COLUMNS,
                commitments_rows,
            ),
            Export(
                "progress-updates",
                _("Progress updates on commitments' milestones"),
                UPDATE_COLUMNS,
                progress_updates_rows,
            ),
            Export(
                "milestones",
                _("Milestones of the commitments with their current assessments"),
                MILESTONE_COLUMNS,
                milestones_rows,
            ),
            Export(
                "assessments",
                _("Independent assessments of the commitments (IRM-style ratings)"),
                ASSESSMENT_COLUMNS,
                assessments_rows,
            ),
            Export(
                "results", _("Tracked results of decisions: status, progress, spending"), RESULT_COLUMNS, results_rows
            ),
        ),
        stats=accountability_stats,
        actions=(PermissionAction("partner_evidence", _("Add evidence files to a commitment (the plan's partners)")),),
        link_targets=(
            LinkTarget(
                kind="result",
                label=_("a tracked result"),
                create="plaza.accountability.operations:result_from_content",
            ),
            LinkTarget(
                kind="candidate",
                label=_("a candidate commitment"),
                create="plaza.accountability.operations:commitment_from_content",
            ),
        ),
    )
)
