"""RSS and Atom feeds of civic reports, for the whole jurisdiction or one area (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from plaza.reports import queries

FEED_SIZE = 50


class ReportsFeed(Feed):
    """The latest reports (newest change first), with their status; no reporter's name when they asked anonymity."""

    def get_object(self, request, jurisdiction, area=None):
        j = request.jurisdiction
        if area is None:
            return (j, None)
        found = queries.areas(j).filter(pk=area).first()
        if found is None:
            raise Http404(_("No such area."))
        return (j, found)

    def title(self, obj):
        j, area = obj
        if area is None:
            return _("Civic reports in %(place)s") % {"place": j.name}
        return _("Civic reports in %(area)s, %(place)s") % {"area": area.name, "place": j.name}

    def link(self, obj):
        j, area = obj
        base = f"/{j.slug}/reports/"
        return f"{base}?area={area.name}" if area else base

    def description(self, obj):
        return _("Problems residents reported, and how the city answered.")

    def items(self, obj):
        j, area = obj
        found = queries.public_reports(j, area=area.name if area else "")
        return found.order_by("-updated_at", "-id")[:FEED_SIZE]

    def item_title(self, report):
        return f"#{report.pk} {report.category.name} ({report.get_status_display()})"

    def item_description(self, report):
        where = report.area.name if report.area else report.address
        return f"{report.public_description}\n\n{where}".strip()

    def item_link(self, report):
        return report.get_absolute_url()

    def item_guid(self, report):
        return f"{report.get_absolute_url()}#{report.updated_at.isoformat()}"

    item_guid_is_permalink = False

    def item_author_name(self, report):
        return report.public_reporter

    def item_pubdate(self, report):
        return report.created_at

    def item_updateddate(self, report):
        return report.updated_at

    def item_categories(self, report):
        return [report.category.name, report.get_status_display()]


class ReportsAtomFeed(ReportsFeed):
    feed_type = Atom1Feed
    subtitle = ReportsFeed.description
