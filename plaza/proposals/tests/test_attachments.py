"""Images and documents on proposals (core's attach_file under the component's "attach" action)."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from plaza.core.models import Attachment
from plaza.core.tests.factories import UserFactory
from plaza.proposals import operations
from plaza.proposals.models import Proposal
from plaza.proposals.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 128, 0)).save(out, format="PNG")
    return out.getvalue()


def test_the_author_attaches_an_image_shown_on_the_page(client, component):
    proposal = ProposalFactory(component=component)
    client.force_login(proposal.author)
    url = f"{proposal.get_absolute_url()}attach/"
    assert client.get(url).status_code == 200
    sent = client.post(url, {"title": "The street today", "upload": SimpleUploadedFile("street.png", png())})
    assert sent.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.mime_type == "image/png" and attachment.uploaded_by == proposal.author
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Images and documents" in page and "The street today" in page


def test_a_disallowed_type_is_refused_next_to_the_field_and_nothing_kept(client, component):
    proposal = ProposalFactory(component=component)
    client.force_login(proposal.author)
    url = f"{proposal.get_absolute_url()}attach/"
    refused = client.post(url, {"title": "Tool", "upload": SimpleUploadedFile("tool.exe", b"MZ\x90\x00")})
    body = refused.content.decode()
    assert refused.status_code == 400 and "Files of this type cannot be attached" in body
    assert "There is a problem" in body
    disguised = client.post(url, {"title": "Fake", "upload": SimpleUploadedFile("photo.png", b"%PDF-1.4 fake")})
    assert disguised.status_code == 400 and "does not match its extension" in disguised.content.decode()
    assert not Attachment.objects.exists()


def test_only_the_author_attaches_and_not_to_a_hidden_proposal(client, component):
    proposal = ProposalFactory(component=component)
    with pytest.raises(PermissionDenied):
        operations.attach_to_proposal(
            actor=UserFactory(), proposal=proposal, upload=SimpleUploadedFile("a.png", png()), title="x"
        )
    client.force_login(UserFactory())
    assert client.get(f"{proposal.get_absolute_url()}attach/").status_code == 403
    hidden = ProposalFactory(component=component, status=Proposal.Status.HIDDEN, hidden_reason="Spam")
    with pytest.raises(ValidationError, match="draft or an open proposal"):
        operations.attach_to_proposal(
            actor=hidden.author, proposal=hidden, upload=SimpleUploadedFile("a.png", png()), title="x"
        )
    assert not Attachment.objects.exists()


def test_the_location_is_typed_without_javascript_and_a_map_offered_with_it(client, component):
    client.force_login(UserFactory())
    page = client.get(f"{component.get_absolute_url()}new/").content.decode()
    assert 'data-pick-into="id_location"' in page and "core/pick.js" in page
    assert 'name="location"' in page


def test_the_api_lists_a_proposals_attachments_in_constant_queries(client, component, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    proposals = [ProposalFactory(component=component) for _ in range(3)]
    for n, proposal in enumerate(proposals):
        operations.attach_to_proposal(
            actor=proposal.author,
            proposal=proposal,
            upload=SimpleUploadedFile(f"street{n}.png", png()),
            title=f"Street {n}",
        )
    one = client.get(f"/api/v1/proposals/madrid/proposals/{proposals[0].pk}").json()
    assert [(a["title"], a["mime_type"], a["file_name"]) for a in one["attachments"]] == [
        ("Street 0", "image/png", "street0.png")
    ]
    assert client.get(one["attachments"][0]["url"]).status_code == 200
    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/proposals/madrid/proposals", {"limit": 1})
    with django_assert_max_num_queries(len(first.captured_queries)):
        listed = client.get("/api/v1/proposals/madrid/proposals", {"limit": 3}).json()
    assert [len(item["attachments"]) for item in listed["items"]] == [1, 1, 1]
