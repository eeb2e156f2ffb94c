"""The demo seeds: Seoul's reports in every state, routed to its districts; a second run changes nothing."""

from django_scopes import scopes_disabled

from plaza.reports.models import Area, Category, Report
from plaza.reports.seeds import seed


def test_seoul_seeds_are_meaningful_and_idempotent(seoul, component, committed):
    with scopes_disabled(), committed():
        seed(seoul, component.process, component)
        counts = (Category.objects.count(), Area.objects.count(), Report.objects.count())
        seed(seoul, component.process, component)
        assert (Category.objects.count(), Area.objects.count(), Report.objects.count()) == counts
        assert counts == (5, 3, 20)
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
