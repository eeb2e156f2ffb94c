"""The demo seeds: Seoul's reports in every state, routed to its districts; a second run changes nothing."""

from django_scopes import scopes_disabled

from plaza.reports.models import Area, Category, Report
from plaza.reports.seeds import HISTORY_REPORTS, seed
from plaza.reports.stats import dashboard


def test_seoul_seeds_are_meaningful_and_idempotent(seoul, component, committed):
    with scopes_disabled(), committed():
        seed(seoul, component.process, component)
        counts = (Category.objects.count(), Area.objects.count(), Report.objects.count())
        seed(seoul, component.process, component)
        assert (Category.objects.count(), Area.objects.count(), Report.objects.count()) == counts
        assert counts == (5, 3, 20 + 1 + HISTORY_REPORTS)  # the showcase, a merged duplicate, a year of history
        assert set(Report.objects.values_list("status", flat=True)) == {
            "open",
            "acknowledged",
            "in_progress",
            "fixed",
            "closed",
        }
        assert not Report.objects.filter(area=None).exists()
        assert {c.department for c in Category.objects.all()} == {
            "Road Management",
            "Clean Environment",
            "Transportation",
        }
        assert Report.objects.filter(duplicate_of__isnull=False).count() == 1
        assert Report.objects.filter(updates__kind="reopened").exists()
        figures = dashboard(seoul)
    # The dashboard has a year of history, late answers among them, and the reports open now.
    assert len(figures["over_time"]) >= 11 and figures["totals"]["breaches"] > 0
    with scopes_disabled():
        assert figures["open"] == Report.objects.filter(status__in=["open", "acknowledged", "in_progress"]).count()
