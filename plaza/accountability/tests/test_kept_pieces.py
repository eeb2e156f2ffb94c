"""The plan page and the network overview are kept rendered (core/fragments.py) and show every change at once."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from plaza.accountability.models import Commitment
from plaza.accountability.operations import post_progress_update, start_progress_import
from plaza.accountability.tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory
from plaza.core.models import Jurisdiction, Role
from plaza.core.tests.factories import JurisdictionFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db
OVERVIEW = "/ogp-local/accountability/network/"
PLAN = "/paris/accountability/plans/climate/"


@pytest.fixture
def network(paris, unscoped):
    ogp = JurisdictionFactory(slug="ogp-local", name="OGP Local", kind=Jurisdiction.Kind.NETWORK)
    paris.parent = ogp
    paris.save()
    staff = UserFactory(public_name="OGP staff")
    RoleGrantFactory(jurisdiction=ogp, user=staff, role=Role.NETWORK_STAFF)
    return staff


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def _queries(client, path: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(captured.captured_queries)


def test_the_overview_is_read_once_then_kept_and_every_kind_of_write_shows_at_once(
    client, network, milestone, official, media, run_jobs
):
    client.force_login(network)
    first, cold = _queries(client, OVERVIEW)
    text, warm = _queries(client, OVERVIEW)
    assert _main(text) == _main(first) and "Open data on building renovation" in text and "0%" in text
    assert warm < cold  # the commitments, their plans, topics and counts are not read again
    with scopes_disabled():  # an operation's save()
        post_progress_update(
            actor=official, milestone=milestone, side="government", status="substantial", percentage=60, narrative="x"
        )
    assert "60%" in client.get(OVERVIEW).content.decode()
    with scopes_disabled():  # a member renamed (core's model)
        paris = Jurisdiction.objects.get(slug="paris")
        paris.name = "Ville de Paris"
        paris.save()
    assert "Ville de Paris" in client.get(OVERVIEW).content.decode()
    with scopes_disabled():  # a bulk import: bulk_create and one UPDATE, no signal
        commitment = milestone.commitment
        Commitment.objects.filter(pk=commitment.pk).update(external_id="C-1")
        milestone.external_id = "M-1"
        milestone.save()
    assert "60%" in client.get(OVERVIEW).content.decode()
    csv = b"commitment,milestone,status,percentage,narrative,links\nC-1,M-1,complete,100,Done,\n"
    upload = SimpleUploadedFile("p.csv", csv, content_type="text/csv")
    run_jobs(start_progress_import, actor=official, jurisdiction=paris, upload=upload, dry_run=False)
    assert "100%" in client.get(OVERVIEW).content.decode()


def test_the_overview_is_kept_per_language_and_per_filter(client, network, commitment):
    client.force_login(network)
    assert "Commitments across the network" in client.get(OVERVIEW).content.decode()
    french = client.get(OVERVIEW + "?lang=fr").content.decode()
    assert "Les engagements dans tout le réseau" in french and "Commitments across" not in french
    assert "No commitment matches" in client.get(OVERVIEW + "?status=closed&lang=en").content.decode()
    assert "Open data on building renovation" in client.get(OVERVIEW + "?lang=en").content.decode()


def test_the_plan_page_keeps_officials_links_away_from_the_public(client, plan, commitment, official):
    client.force_login(official)
    text = client.get(PLAN).content.decode()
    assert "Add a commitment" in text and "Record a meeting" in text
    client.logout()
    public = client.get(PLAN).content.decode()
    assert "Open data on building renovation" in public
    assert "Add a commitment" not in public and "Record a meeting" not in public
    client.force_login(official)
    assert "Add a commitment" in client.get(PLAN).content.decode()


def test_the_plan_page_shows_an_edit_and_a_new_commitment_at_once(client, plan, commitment, official):
    assert "Open data on building renovation" in client.get(PLAN).content.decode()
    with scopes_disabled():
        commitment.title = "Open renovation data"
        commitment.save()
        CommitmentFactory(plan=plan, number=2, title="Participatory climate budget")
    text = client.get(PLAN).content.decode()
    assert "Open renovation data" in text and "Participatory climate budget" in text
    with scopes_disabled():
        other = ActionPlanFactory(jurisdiction=plan.jurisdiction, slug="next", title="Next plan")
        MilestoneFactory(commitment=CommitmentFactory(plan=other, number=1, title="Elsewhere"))
    assert "Elsewhere" not in client.get(PLAN).content.decode()  # each plan's piece is its own


def test_the_commitment_page_keeps_each_side_its_links_and_shows_new_progress(client, milestone, official, partner):
    page = "/paris/accountability/plans/climate/commitments/1/"
    client.force_login(official)
    text = client.get(page).content.decode()
    assert "Edit this commitment" in text and "Add an evidence file" in text
    client.force_login(partner)
    text = client.get(page).content.decode()
    assert "Add an evidence file" in text and "Edit this commitment" not in text
    client.logout()
    text = client.get(page).content.decode()
    assert "Renovations dataset" in text and "Add an evidence file" not in text and "Edit this commitment" not in text
    with scopes_disabled():
        post_progress_update(
            actor=partner, milestone=milestone, side="civil_society", status="limited", percentage=10, narrative="Slow"
        )
    assert "Slow" in client.get(page).content.decode()


def test_a_new_member_and_its_commitments_show_on_the_overview_at_once(client, network, commitment):
    client.force_login(network)
    assert "Tbilisi" not in client.get(OVERVIEW).content.decode()
    with scopes_disabled():
        ogp = Jurisdiction.objects.get(slug="ogp-local")
        tbilisi = JurisdictionFactory(slug="tbilisi", name="Tbilisi", parent=ogp)
        plan = ActionPlanFactory(jurisdiction=tbilisi, slug="2024", title="Tbilisi plan")
        CommitmentFactory(plan=plan, number=1, title="Tbilisi e-procurement", policy_areas=["Open contracting"])
    text = client.get(OVERVIEW).content.decode()
    assert "Tbilisi e-procurement" in text and "2 commitments" in text  # the member ids are not kept apart
    assert "Open contracting" in text  # nor the policy areas of the filter


def test_a_report_photo_elsewhere_leaves_the_pieces_alone(commitment):
    from plaza.core import fragments
    from plaza.core.models import Attachment

    with scopes_disabled():
        other = JurisdictionFactory(slug="elsewhere")
        before = fragments.version("accountability")
        Attachment.objects.create(
            jurisdiction=other, content_type=ContentType.objects.get_for_model(Jurisdiction), object_id=other.pk,
            title="x", file="x.jpg", original_name="x.jpg", size=1, mime_type="image/jpeg",
        )  # fmt: skip
    assert fragments.version("accountability") == before
