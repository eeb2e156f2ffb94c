"""Project images (core's attachments): the author or an admin adds them; the project page and the index show them."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from PIL import Image

from plaza.budgets import operations
from plaza.budgets.models import Budget
from plaza.budgets.tests.factories import ProjectFactory
from plaza.core.models import Attachment
from plaza.core.tests.factories import ComponentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(colour=(0, 128, 0)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(out, format="PNG")
    return SimpleUploadedFile("garden.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def own_project(paris, budget, heading, resident):
    """The resident's project in a budget accepting projects, inside a process with the budgets component."""
    with scopes_disabled():
        component = ComponentFactory(process__jurisdiction=paris, manifest_name="budgets")
        budget.phase, budget.component = Budget.Phase.ACCEPTING, component
        budget.save()
        return ProjectFactory(heading=heading, title="Garden", author=resident)


def images():
    with scopes_disabled():
        return list(Attachment.objects.values_list("title", "mime_type"))


def test_the_author_adds_an_image_and_only_images(own_project, resident):
    operations.add_project_image(actor=resident, project=own_project, upload=png(), title="The plot today")
    assert images() == [("The plot today", "image/png")]
    with pytest.raises(ValidationError) as refused:
        operations.add_project_image(
            actor=resident, project=own_project, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4"), title="Plan"
        )
    assert "Only images" in refused.value.message_dict["upload"][0]
    with pytest.raises(ValidationError, match="does not match"):
        operations.add_project_image(
            actor=resident, project=own_project, upload=SimpleUploadedFile("x.png", b"%PDF-1.4 fake"), title="x"
        )
    assert len(images()) == 1


def test_a_too_large_image_is_refused(settings, own_project, resident):
    settings.PLAZA_ATTACHMENT_MAX_BYTES = 20
    with pytest.raises(ValidationError, match="too large"):
        operations.add_project_image(actor=resident, project=own_project, upload=png(), title="Big")
    assert images() == []


def test_others_cannot_add_images_and_the_author_only_before_voting(
    paris, paris_admin, own_project, budget, resident, valuator
):
    with pytest.raises(PermissionDenied):
        operations.add_project_image(actor=valuator, project=own_project, upload=png(), title="Not mine")
    budget.phase = Budget.Phase.BALLOTING
    budget.save()
    with pytest.raises(ValidationError, match="phase"):
        operations.add_project_image(actor=resident, project=own_project, upload=png(), title="Late")
    operations.add_project_image(actor=paris_admin, project=own_project, upload=png(), title="Works started")
    assert images() == [("Works started", "image/png")]


def test_the_page_refuses_a_document_next_to_the_field_and_shows_images(client, own_project, resident):
    client.force_login(resident)
    url = own_project.get_absolute_url() + "images/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"title": "Plan", "upload": SimpleUploadedFile("plan.txt", b"just words")})
    assert refused.status_code == 400 and "Only images can be added" in refused.content.decode()
    sent = client.post(url, {"title": "The plot today", "upload": png()})
    assert sent.status_code == 302
    page = client.get(own_project.get_absolute_url()).content.decode()
    with scopes_disabled():
        image = Attachment.objects.get()
    assert f'src="{image.get_absolute_url()}" alt="The plot today"' in page
    index = client.get("/paris/budgets/paris-2026/").content.decode()
    assert 'class="thumbnail"' in index and f'src="{image.get_absolute_url()}"' in index
    api = client.get("/api/v1/budgets/paris/budgets/paris-2026/projects").json()["items"]
    assert api[0]["images"] == [{"title": "The plot today", "url": image.get_absolute_url()}]
    shown = client.get(image.get_absolute_url())
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"


def test_the_index_keeps_its_query_count_with_images(
    client, paris_admin, budget, heading, projects, django_assert_num_queries
):
    client.get("/paris/budgets/paris-2026/")
    with django_assert_num_queries(7) as few:  # the images: one prefetch for every project
        client.get("/paris/budgets/paris-2026/")
    for project in projects:
        operations.add_project_image(actor=paris_admin, project=project, upload=png(), title=f"{project.title} now")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/paris/budgets/paris-2026/").content.decode()
    assert page.count('class="thumbnail"') == 3


def test_the_project_page_keeps_its_query_count_with_images(
    client, paris_admin, budget, heading, projects, django_assert_num_queries
):
    url = projects[0].get_absolute_url()
    client.get(url)
    with django_assert_num_queries(7) as few:  # with core's "What became of it" (links both ways)
        client.get(url)
    for n in range(3):
        operations.add_project_image(actor=paris_admin, project=projects[0], upload=png(), title=f"View {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("<img ") == 3
