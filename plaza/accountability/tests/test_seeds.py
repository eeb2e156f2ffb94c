"""The demo network: Buenos Aires's co-created plan as on the record, Paris's climate commitments; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from plaza.accountability.models import ActionPlan, Commitment, ProgressUpdate

pytestmark = pytest.mark.django_db


def test_demo_plans_are_seeded_once(client, media):
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

    ba_assessment = client.get("/buenos-aires/accountability/plans/2016-2017/assessment/").content.decode()
    assert ba_assessment.count("Not assessed yet") == 0 and "Did it open government?" in ba_assessment
    assert "Free Wi-Fi in every public square" in text and "Not an open government commitment" in text
    madrid = client.get("/madrid/accountability/plans/open-government/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Extend Consul to other cities" in madrid and "Participatory budgets decided and tracked" in madrid
    results = client.get("/madrid/accountability/results/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Extend Consul to other cities" in results and "€2,300,000.50" in results
    with scopes_disabled():
        from plaza.accountability.models import Assessment, Result
        from plaza.core.models import Attachment

        assert Assessment.objects.filter(commitment__plan__jurisdiction__slug="paris").count() == 1
        assert Result.objects.filter(external_id="PCP-MEASURES").exists()
        assert Attachment.objects.filter(title="Consul installation guide").exists()
