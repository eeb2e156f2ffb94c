"""Residents ask for datasets and support them once per person; publishers answer; uses are counted per day."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from plaza.core.models import AuditEntry, Notification
from plaza.core.tests.factories import UserFactory, VerificationFactory
from plaza.data.models import DatasetRequest, UsageCount
from plaza.data.operations import answer_request, count_use, submit_request, support_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(paris):
    user = UserFactory(email="resident@paris.example")
    with scopes_disabled():
        VerificationFactory(jurisdiction=paris, user=user)
    return user


@pytest.fixture
def trees_request(paris, resident, environment):
    return submit_request(
        actor=resident, jurisdiction=paris, title="Street trees", description="To plan shade walks.",
        organization=environment,
    )  # fmt: skip


def test_a_request_is_supported_once_per_person_whichever_account(paris, resident, trees_request):
    support_request(actor=resident, request=trees_request)
    second_account = UserFactory()
    with scopes_disabled():
        person = resident.verifications.get().person
        VerificationFactory(jurisdiction=paris, user=second_account, person=person)
    with pytest.raises(ValidationError, match="already supported"):
        support_request(actor=second_account, request=trees_request)
    with pytest.raises(PermissionDenied, match="Verify your identity"):
        support_request(actor=UserFactory(), request=trees_request)
    with scope(jurisdiction=paris):
        assert DatasetRequest.objects.get().support_count == 1 and trees_request.supports.count() == 1


def test_a_request_needs_a_title_and_a_reason(paris, resident):
    with pytest.raises(ValidationError) as refused:
        submit_request(actor=resident, jurisdiction=paris, title=" ", description="")
    assert set(refused.value.message_dict) == {"title", "description"}
    with scopes_disabled():
        assert not DatasetRequest.objects.exists()


def test_the_publisher_answers_published_with_the_dataset_and_the_author_hears_of_it(
    paris, trees_request, env_official, air, resident, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as refused:
        answer_request(actor=env_official, request=trees_request, status="published")
    assert "dataset" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        answer_request(actor=env_official, request=trees_request, status="declined")
    assert "answer" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        answer_request(actor=resident, request=trees_request, status="planned")
    with django_capture_on_commit_callbacks(execute=True):
        answer_request(actor=env_official, request=trees_request, status="published", answer="Here it is.", dataset=air)
    with scope(jurisdiction=paris):
        answered = DatasetRequest.objects.get()
        assert answered.status == "published" and answered.dataset == air
        assert Notification.objects.get(recipient=resident).event == "data.request.answered"
        assert AuditEntry.objects.filter(action="data.request.answer", is_public=True).exists()
    with pytest.raises(ValidationError, match="takes no more supports"):
        support_request(actor=resident, request=answered)


def test_the_database_refuses_a_published_request_without_dataset(paris, trees_request):
    from django.db import IntegrityError

    with scope(jurisdiction=paris), pytest.raises(IntegrityError):
        DatasetRequest.objects.filter(pk=trees_request.pk).update(status="published")


def test_request_pages_submit_support_and_answer(client, paris, resident, env_official, air, trees_request):
    listed = client.get("/paris/data/requests/").content.decode()
    assert "Street trees" in listed and "0 supports" in listed
    client.force_login(resident)
    response = client.post("/paris/data/requests/new/", {"title": "", "description": ""})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    response = client.post("/paris/data/requests/new/", {"title": "Bus noise", "description": "Sleep."})
    assert response.status_code == 302
    client.post(f"/paris/data/requests/{trees_request.pk}/support/")
    page = client.get(f"/paris/data/requests/{trees_request.pk}/").content.decode()
    assert "You support this request." in page and "1 support" in page and "Answer as publisher" not in page
    client.force_login(env_official)
    refused = client.post(f"/paris/data/requests/{trees_request.pk}/", {"status": "declined", "answer": ""})
    assert refused.status_code == 400 and "Say why the data will not be published." in refused.content.decode()
    client.post(f"/paris/data/requests/{trees_request.pk}/", {"status": "published", "dataset": air.pk})
    assert "Street trees" in client.get("/paris/data/air-quality/").content.decode()


def test_views_and_downloads_are_counted_per_day_without_personal_data(client, paris, air):
    client.get("/paris/data/air-quality/")
    client.get("/paris/data/air-quality/")
    with scopes_disabled():
        resource = air.resources.get()
        download = resource.counted_download_url()
    assert client.get(download).status_code == 302
    with scope(jurisdiction=paris):
        counts = {(u.kind, u.resource_id): u.count for u in UsageCount.objects.all()}
        assert counts == {("view", None): 2, ("download", resource.pk): 1}
        assert UsageCount.objects.get(kind="view").day == timezone.localdate()
    page = client.get("/paris/data/air-quality/").content.decode()
    assert "3 views and 1 downloads" in page
    dashboard = client.get("/paris/data/usage/").content.decode()
    assert "Air quality stations</a></td><td>3</td><td>1</td>" in dashboard


def test_count_use_is_one_row_per_day_even_when_the_row_exists(paris, air):
    for _ in range(3):
        count_use(dataset=air, kind="view")
    with scope(jurisdiction=paris):
        assert list(UsageCount.objects.values_list("count", flat=True)) == [3]


def test_the_api_lists_requests_by_support(client, paris, trees_request, resident):
    support_request(actor=resident, request=trees_request)
    listed = client.get("/api/v1/data/paris/requests").json()
    assert [(r["title"], r["supports"], r["status"]) for r in listed] == [("Street trees", 1, "open")]
    assert client.get("/api/v1/data/paris/requests?status=declined").json() == []
    one = client.get(f"/api/v1/data/paris/requests/{trees_request.pk}").json()
    assert one["organization"] == "environment"
    assert client.get("/api/v1/data/paris/requests/999999").status_code == 404


def test_a_residents_requests_are_in_their_data_and_lose_their_author_when_they_leave(paris, resident, trees_request):
    from plaza.data.component import erase_personal_data, personal_data

    assert [r["title"] for r in personal_data(resident)["dataset_requests"]] == ["Street trees"]
    erase_personal_data(resident)
    with scope(jurisdiction=paris):
        assert DatasetRequest.objects.get().author is None
    assert personal_data(resident) == {"dataset_requests": []}


def test_a_blocked_account_requests_no_dataset(paris, resident):
    from plaza.core.models import BlockedAccount

    with scopes_disabled():
        BlockedAccount.objects.create(jurisdiction=paris, user=resident, reason="Spam")
    with pytest.raises(PermissionDenied, match="blocked your account"):
        submit_request(actor=resident, jurisdiction=paris, title="Benches", description="To rest.")
    with scopes_disabled():
        assert not DatasetRequest.objects.exists()
