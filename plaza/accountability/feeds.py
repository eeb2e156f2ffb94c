"""Atom feeds of progress updates: the jurisdiction's, and one plan's (the newest 50)."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from plaza.accountability import queries
from plaza.accountability.models import ActionPlan
from plaza.core.tenancy import jurisdiction_scope

FEED_SIZE = 50


class ProgressFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, jurisdiction, plan=None):
        if plan is None:
            return (request.jurisdiction, None)
        try:
            return (request.jurisdiction, queries.plan(request.jurisdiction, plan))
        except ActionPlan.DoesNotExist as missing:
            raise Http404("No such action plan.") from missing

    def title(self, obj):
        jurisdiction, plan = obj
        if plan is not None:
            return _("Progress updates of %(plan)s") % {"plan": plan.title}
        return _("Progress updates of %(name)s's action plans") % {"name": jurisdiction.name}

    def link(self, obj):
        jurisdiction, plan = obj
        return plan.get_absolute_url() if plan else f"/{jurisdiction.slug}/accountability/"

    def subtitle(self, obj):
        return _("Government and civil society assessments of the commitments' milestones, newest first.")

    def items(self, obj):
        jurisdiction, plan = obj
        with jurisdiction_scope(jurisdiction):
            return list(queries.progress_updates_of(jurisdiction, plan)[:FEED_SIZE])

    def item_title(self, item):
        milestone = item.milestone
        return _("Commitment %(n)s, milestone %(m)s: %(status)s (%(p)s%%) — %(side)s") % {
            "n": milestone.commitment.number,
            "m": milestone.position,
            "status": item.get_status_display(),
            "p": item.percentage,
            "side": item.get_side_display(),
        }

    def item_description(self, item):
        return item.narrative

    def item_link(self, item):
        milestone = item.milestone
        return milestone.commitment.get_absolute_url() + f"#milestone-{milestone.position}"

    def item_guid(self, item):
        return f"urn:plaza:{item.jurisdiction.slug}:progress-update:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return f"{item.author_label} ({item.organisation})" if item.organisation else item.author_label
