"""Bulk downloads of the budgets app: every public project with its heading, cost, feasibility and result (not
those a moderator hid when blocking their author)."""

from django.db.models import Prefetch

from plaza.budgets.models import Project, ResultRow

PROJECT_COLUMNS = (
    "id",
    "budget",
    "heading",
    "title",
    "cost",
    "currency",
    "feasibility",
    "unfeasible_reason",
    "votes",
    "selected",
    "reason",
    "url",
)


def project_rows(jurisdiction):
    projects = (
        Project.objects.with_scope(jurisdiction=jurisdiction)
        .filter(budget__is_published=True, hidden_reason="")
        .select_related("budget", "heading")
        # With its scope: a CSV download streams after the request's jurisdiction scope has closed.
        .prefetch_related(
            Prefetch("result_rows", queryset=ResultRow.objects.with_scope(jurisdiction=jurisdiction).all())
        )
        .order_by("budget_id", "heading__position", "pk")
    )
    for project in projects:
        official = next((r for r in project.result_rows.all() if r.rule == project.budget.rule), None)
        yield {
            "id": project.pk,
            "budget": project.budget.slug,
            "heading": project.heading.name,
            "title": project.title,
            "cost": str(project.cost),
            "currency": project.budget.currency,
            "feasibility": project.feasibility,
            "unfeasible_reason": project.unfeasible_reason,
            "votes": official.votes if official else "",
            "selected": official.selected if official else "",
            "reason": official.reason if official else "",
            "url": project.get_absolute_url(),
        }
