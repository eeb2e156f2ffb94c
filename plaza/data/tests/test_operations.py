"""Writing datasets and resources: who may, what is refused, every save a version, audited and indexed."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from plaza.core.models import AuditEntry, SearchDocument
from plaza.core.queries.sdg import tags_of
from plaza.core.tests.factories import UserFactory
from plaza.data.models import Dataset
from plaza.data.operations import DatasetFields, add_resource, create_dataset, update_dataset
from plaza.data.versions import diff


def fields(organization, **changes) -> DatasetFields:
    values = dict(
        name="trees", title="Street trees", description="Every street tree.", organization=organization,
        licence_id="cc-by-4.0", contact_name="Parks", contact_email="parks@paris.example", state="public",
        themes=["ENVI"], keywords=["trees", " trees ", "green"], temporal_start=date(2024, 1, 1), spatial="Paris",
        frequency="ANNUAL", sdg_goals=[11],
    )  # fmt: skip
    values.update(changes)
    return DatasetFields(**values)


@pytest.mark.django_db
def test_an_official_publishes_for_their_organisation_with_a_version_audit_and_index(paris, environment, env_official):
    dataset = create_dataset(actor=env_official, jurisdiction=paris, fields=fields(environment))
    with scope(jurisdiction=paris):
        assert sorted(dataset.keywords.values_list("name", flat=True)) == ["green", "trees"]
        version = dataset.versions.get()
        assert version.number == 1 and version.snapshot["themes"] == ["ENVI"] and version.snapshot["sdg_goals"] == [11]
        assert AuditEntry.objects.filter(action="data.dataset.create", is_public=True).exists()
        assert SearchDocument.objects.get(title="Street trees").is_public
        assert [t.goal.number for t in tags_of(dataset)] == [11]


@pytest.mark.django_db
def test_an_official_of_another_department_or_a_resident_is_refused(paris, transport, env_official):
    with pytest.raises(PermissionDenied):
        create_dataset(actor=env_official, jurisdiction=paris, fields=fields(transport))
    with pytest.raises(PermissionDenied):
        create_dataset(actor=UserFactory(), jurisdiction=paris, fields=fields(transport))
    with scopes_disabled():
        assert not Dataset.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"licence_id": "my-own-licence"}, "licence_id"),
        ({"themes": ["SPACE"]}, "themes"),
        ({"temporal_end": date(2020, 1, 1)}, "temporal_end"),
        ({"name": "new"}, "name"),
        ({"name": "Not A Slug"}, "name"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_metadata_is_refused_next_to_its_field_and_nothing_written(paris, environment, env_official, change, field):
    with pytest.raises(ValidationError) as refused:
        create_dataset(actor=env_official, jurisdiction=paris, fields=fields(environment, **change))
    assert field in refused.value.message_dict
    with scopes_disabled():
        assert not Dataset.objects.exists()


@pytest.mark.django_db
def test_each_change_is_a_version_and_the_diff_shows_what_changed(paris, environment, env_official):
    dataset = create_dataset(actor=env_official, jurisdiction=paris, fields=fields(environment))
    update_dataset(actor=env_official, dataset=dataset, fields=fields(environment, title="Street trees of Paris"))
    with scope(jurisdiction=paris):
        first, second = dataset.versions.order_by("number")
    changes = diff(first.snapshot, second.snapshot)
    assert [c.field for c in changes] == ["title"]
    assert "- Street trees" in changes[0].lines and "+ Street trees of Paris" in changes[0].lines


@pytest.mark.django_db
def test_an_uploaded_csv_goes_through_core_checks_and_makes_a_version(paris, air, env_official):
    upload = SimpleUploadedFile("readings.csv", b"station,pm10\nA,12\n", content_type="text/csv")
    resource = add_resource(actor=env_official, dataset=air, name="Readings 2026", upload=upload)
    assert resource.format == "CSV" and resource.attachment.size == 18
    with scope(jurisdiction=paris):
        assert air.versions.get().snapshot["resources"][-1].startswith("Readings 2026 [CSV]")


@pytest.mark.django_db
def test_a_file_that_is_not_what_it_says_or_a_bad_link_is_refused(paris, air, env_official):
    fake = SimpleUploadedFile("readings.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30)
    with pytest.raises(ValidationError) as refused:
        add_resource(actor=env_official, dataset=air, name="Fake", upload=fake)
    assert "upload" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        add_resource(actor=env_official, dataset=air, name="Link", url="ftp://files.example/a.csv", format="CSV")
    assert "url" in refused.value.message_dict
    with scope(jurisdiction=paris):
        assert air.resources.count() == 1
