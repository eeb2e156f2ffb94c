"""The reports component's manifest: civic reports routed to departments, with an Open311 server."""

from django.utils.translation import gettext_lazy as _

from plaza.core.components import ComponentManifest, Export, PermissionAction, registry
from plaza.core.operations.notifications import register_event
from plaza.core.search import SearchFields
from plaza.reports.exports import COLUMNS, report_rows


def report_search_fields(report) -> SearchFields:
    title = f"#{report.pk} {report.category.name}"
    where = [report.address, report.area.name if report.area else ""]
    body = " ".join(filter(None, [report.public_description, *where]))
    return SearchFields(title=title, body=body, url=report.get_absolute_url(), is_public=True)


def report_stats(component) -> list[tuple[str, int]]:
    from plaza.reports.queries import report_stats as figures

    found = figures(component.jurisdiction)
    stats = [(_("open reports"), found["open"]), (_("reports fixed in 12 months"), found["fixed"])]
    if found["hours_to_acknowledge"] is not None:
        stats.append((_("average hours to acknowledge"), found["hours_to_acknowledge"]))
    return stats


def personal_data(user) -> dict:
    from plaza.core.tenancy import across_jurisdictions
    from plaza.reports.models import Report, Support

    with across_jurisdictions():
        reports = [
            {
                "jurisdiction": r.jurisdiction.slug,
                "id": r.pk,
                "category": r.category.code,
                "description": r.description,
                "anonymous": r.is_anonymous,
                "created_at": r.created_at.isoformat(),
            }
            for r in Report.objects.filter(reporter=user).select_related("jurisdiction", "category")
        ]
        supports = list(Support.objects.filter(user=user).values_list("report_id", flat=True))
    return {"reports": reports, "supported_reports": supports}


def erase_personal_data(user) -> None:
    """The reports stay (they are about a place, not a person); they no longer point at the account, and their
    photos' originals (with where and when they were taken, and by what phone) are deleted: the stripped public
    copies stay with the reports."""
    from plaza.core.tenancy import across_jurisdictions
    from plaza.reports.models import OriginalPhoto, Report

    with across_jurisdictions():
        OriginalPhoto.objects.filter(report__reporter=user).delete()  # files go once this commits
        Report.objects.filter(reporter=user).update(reporter=None, is_anonymous=True)


def hide_blocked_content(**block) -> dict[str, int]:
    from plaza.reports.operations import hide_blocked_content as hide

    return hide(**block)


def show_unblocked_content(**unblock) -> dict[str, int]:
    from plaza.reports.operations import show_unblocked_content as show

    return show(**unblock)


for name, text in {
    "report.created": _("%(actor)s reported a problem: “%(target)s”."),
    "report.status": _("%(actor)s changed the status of “%(target)s”."),
    "report.assigned": _("%(actor)s assigned “%(target)s”."),
    "report.note": _("%(actor)s answered on “%(target)s”."),
    "report.reopened": _("%(actor)s reopened “%(target)s”."),
    "report.merged": _("%(actor)s merged a duplicate into “%(target)s”."),
}.items():
    register_event(name, text)

manifest = registry.register(
    ComponentManifest(
        name="reports",
        label=_("Civic reports"),
        description=_("Residents report problems in public space; departments answer them in the open."),
        demo_title=_("Report a problem"),
        jurisdiction_urls="plaza.reports.urls",
        api_router="plaza.reports.api:router",
        actions=(
            PermissionAction("report", _("Report a problem")),
            PermissionAction("comment", _("Comment on a report")),
        ),
        seeds="plaza.reports.seeds:seed",
        search={"reports.report": report_search_fields},
        exports=(Export("reports", _("Civic reports"), COLUMNS, report_rows),),
        stats=report_stats,
        personal_data=personal_data,
        erase_personal_data=erase_personal_data,
        hide_blocked_content=hide_blocked_content,
        show_unblocked_content=show_unblocked_content,
    )
)
