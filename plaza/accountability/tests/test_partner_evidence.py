"""Civil society partners attach evidence files to their progress updates through core's attach_file."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from plaza.accountability.models import ProgressUpdate
from plaza.accountability.operations import post_progress_update
from plaza.core.models import Attachment, AuditEntry
from plaza.core.tests.factories import ComponentFactory, UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 audit"
PROGRESS_URL = "/paris/accountability/plans/climate/commitments/1/milestones/1/progress/"


@pytest.fixture
def component(paris):
    with scopes_disabled():
        return ComponentFactory(process__jurisdiction=paris, manifest_name="accountability", title="Action plan")


def test_partner_attaches_a_file_to_a_counter_assessment(milestone, partner, component, media):
    with scopes_disabled():
        update = post_progress_update(
            actor=partner,
            milestone=milestone,
            side="civil_society",
            status="limited",
            percentage=10,
            narrative="Our audit found little.",
            evidence=SimpleUploadedFile("audit.pdf", PDF, content_type="application/pdf"),
            evidence_title="Independent audit",
        )
        attachment = Attachment.objects.get()
        assert attachment.target == update and attachment.uploaded_by == partner
        assert attachment.title == "Independent audit"
        assert AuditEntry.objects.filter(action="attachment.create").count() == 1


def test_a_bad_file_writes_no_update(milestone, partner, component, media):
    with scopes_disabled(), pytest.raises(Exception, match="cannot be attached"):
        post_progress_update(
            actor=partner,
            milestone=milestone,
            side="civil_society",
            status="limited",
            percentage=10,
            narrative="x",
            evidence=SimpleUploadedFile("virus.exe", b"MZ"),
        )
    with scopes_disabled():
        assert not ProgressUpdate.objects.exists() and not Attachment.objects.exists()


def test_a_resident_cannot_post_with_a_file(milestone, component, media):
    with scopes_disabled(), pytest.raises(PermissionDenied):
        post_progress_update(
            actor=UserFactory(),
            milestone=milestone,
            side="civil_society",
            status="limited",
            percentage=10,
            narrative="x",
            evidence=SimpleUploadedFile("a.pdf", PDF),
        )


def test_partner_posts_a_file_from_the_page_and_it_shows_on_the_commitment(
    client, milestone, partner, component, media
):
    client.force_login(partner)
    data = {
        "side": "civil_society",
        "status": "limited",
        "percentage": "10",
        "narrative": "Barely started.",
        "evidence": SimpleUploadedFile("audit.pdf", PDF, content_type="application/pdf"),
        "evidence_title": "Independent audit",
    }
    response = client.post(PROGRESS_URL, data)
    assert response.status_code == 302
    assert "Independent audit" in client.get(milestone.commitment.get_absolute_url()).content.decode()
