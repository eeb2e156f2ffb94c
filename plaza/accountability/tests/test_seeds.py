"""The demo network: Buenos Aires's co-created plan as on the record, Paris's climate commitments; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from plaza.accountability.models import ActionPlan, Commitment, ProgressUpdate

pytestmark = pytest.mark.django_db


def test_demo_plans_are_seeded_once(client):
    call_command("load_demo", stdout=StringIO())
    with scopes_disabled():
        counts = (ActionPlan.objects.count(), Commitment.objects.count(), ProgressUpdate.objects.count())
    call_command("load_demo", stdout=StringIO())
    with scopes_disabled():
        assert (ActionPlan.objects.count(), Commitment.objects.count(), ProgressUpdate.objects.count()) == counts
    text = client.get("/buenos-aires/accountability/plans/2016-2017/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "27 meetings, 21 civil society organisations, 16 government areas" in text
    assert "Open data on sexual and reproductive health services" in text
    assert text.count('class="card"') == 5
    paris = client.get("/paris/accountability/plans/climate-plan/commitments/1/").content.decode()
    assert "Open data on the energy renovation of buildings" in paris and "Civil society&#x27;s" not in paris
    assert "Civil society's assessment" in paris
