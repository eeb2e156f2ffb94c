"""`__any_of`: the same rows as `__in`, with the list sent as one parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from plaza.core.models import Jurisdiction, Process
from plaza.core.tests.factories import JurisdictionFactory, ProcessFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds():
    places = [JurisdictionFactory() for _ in range(4)]
    wanted = [places[0].pk, places[2].pk, 10**9]
    assert set(Jurisdiction.objects.filter(pk__any_of=wanted)) == set(Jurisdiction.objects.filter(pk__in=wanted))
    assert set(Jurisdiction.objects.filter(pk__any_of=wanted)) == {places[0], places[2]}
    assert not Jurisdiction.objects.filter(pk__any_of=[]).exists()
    assert Jurisdiction.objects.exclude(pk__any_of=[]).count() == Jurisdiction.objects.count()


def test_any_of_on_a_foreign_key_sends_one_parameter_on_postgresql():
    places = [JurisdictionFactory() for _ in range(3)]
    with scopes_disabled():
        for place in places:
            ProcessFactory(jurisdiction=place)
        ids = [place.pk for place in places[:2]] + list(range(10**8, 10**8 + 300))
        with CaptureQueriesContext(connection) as captured:
            found = set(Process.objects.filter(jurisdiction_id__any_of=ids).values_list("jurisdiction_id", flat=True))
    assert found == {places[0].pk, places[1].pk}
    sql = captured.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    else:
        assert " IN (" in sql
