"""Harvesting recorded real catalogues (CKAN, DCAT) and a second live Plaza: idempotent, with what changed recorded."""

import io
import json
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from plaza.core.models import AuditEntry, Job
from plaza.data.harvest import read_dcat
from plaza.data.models import Dataset, HarvestRun, HarvestSource
from plaza.data.operations import DatasetFields, create_harvest_source, harvest_due_sources, start_harvest

pytestmark = pytest.mark.django_db
RECORDED = Path(django_settings.PLAZA_SHARED_DIR) / "realdata" / "ckan"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def serve():
    """Serve a folder over HTTP on 127.0.0.1 (a port of its own) for the test's length."""
    servers = []

    def start(folder: Path) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def private_fetch(settings):
    settings.PLAZA_DATA_FETCH_ALLOW_PRIVATE = True  # the catalogues under test listen on 127.0.0.1


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    def run(source) -> HarvestRun:
        with django_capture_on_commit_callbacks(execute=True):
            started = start_harvest(actor=None, source=source)
        with scopes_disabled():
            return HarvestRun.objects.select_related("job").get(pk=started.pk)

    return run


def _source(paris, paris_admin, organization, url, kind):
    return create_harvest_source(
        actor=paris_admin, jurisdiction=paris, title="Elsewhere", url=url, kind=kind, organization=organization
    )


def test_a_recorded_ckan_portal_is_harvested_once_then_found_unchanged(
    paris, paris_admin, environment, serve, private_fetch, run_jobs, tmp_path
):
    actions = tmp_path / "api" / "3" / "action"
    actions.mkdir(parents=True)
    shutil.copy(RECORDED / "api" / "birmingham_package_search.json", actions / "package_search")
    source = _source(paris, paris_admin, environment, serve(tmp_path), "ckan")
    first = run_jobs(source)
    assert first.job.status == Job.Status.SUCCEEDED and len(first.created) == 10 and first.unchanged == 0
    assert first.job.progress_done == first.job.progress_total == 10
    with scope(jurisdiction=paris):
        cards = Dataset.objects.get(name="purchase-card-transactions")
        assert cards.licence_id == "ogl-uk-3.0" and cards.organization == environment and cards.is_public
        assert {k.name for k in cards.keywords.all()} == {"payments", "purchase card"}
        assert cards.resources.count() >= 3 and cards.resources.first().format == "XLS"
        versions = cards.versions.count()
    second = run_jobs(source)
    assert second.created == [] and second.updated == [] and second.unchanged == 10
    with scope(jurisdiction=paris):
        assert Dataset.objects.count() == 10 and cards.versions.count() == versions


def test_recorded_dcat_catalogues_are_read(paris):
    madrid = read_dcat((RECORDED / "dcat" / "ckanext-dcat_dataset_gob_es.ttl").read_bytes(), language="es")
    assert len(madrid) == 1 and madrid[0].title.startswith("Estudio de Satisfacción")
    assert madrid[0].resources[0].url.endswith(".xlsx") and "escuelas" in madrid[0].keywords
    rostock = read_dcat((RECORDED / "dcat" / "ckanext-dcat_dataset_gov_de.rdf").read_bytes(), language="de")
    services = next(d for d in rostock if d.remote_id.startswith("c1be4007"))
    assert services.licence_id == "cc0-1.0" and {r.format for r in services.resources} >= {"GEOJSON"}
    example = read_dcat((RECORDED / "dcat" / "ckanext-dcat_catalog.rdf").read_bytes())
    assert [d.title for d in example] == ["Example dataset 1", "Example dataset 2"]
    with pytest.raises(ValidationError, match="could not be read as RDF"):
        read_dcat((RECORDED / "dcat" / "ckanext-dcat_dataset.ttl").read_bytes())  # an unbound prefix


def test_a_dcat_catalogue_is_harvested_and_an_unreadable_one_fails_clearly(
    paris, paris_admin, environment, serve, private_fetch, run_jobs
):
    base = serve(RECORDED / "dcat")
    good = _source(paris, paris_admin, environment, base + "/ckanext-dcat_dataset_gov_de.rdf", "dcat")
    run = run_jobs(good)
    assert run.job.status == Job.Status.SUCCEEDED and "Liefer- und Abholservices (Gastronomie)" in run.created
    broken = _source(paris, paris_admin, environment, base + "/ckanext-dcat_dataset.ttl", "dcat")
    failed = run_jobs(broken)
    assert failed.job.status == Job.Status.FAILED and "could not be read as RDF" in failed.job.error


def test_a_second_live_plaza_is_harvested_and_changes_are_recorded(
    live_server, paris, madrid, paris_admin, environment, private_fetch, run_jobs
):
    from plaza.data.operations import update_dataset
    from plaza.data.tests.factories import DatasetFactory, LinkResourceFactory, OrganizationFactory

    with scopes_disabled():
        movilidad = OrganizationFactory(jurisdiction=madrid, name="movilidad", title="Movilidad")
        bicimad = DatasetFactory(organization=movilidad, name="bicimad", title="BiciMAD stations", keywords=["bici"])
        LinkResourceFactory(dataset=bicimad, name="Stations", format="CSV")
        DatasetFactory(organization=movilidad, name="aparcamientos", title="Car parks")
        DatasetFactory(organization=movilidad, name="borrador", title="Draft", state="draft")
    source = _source(paris, paris_admin, environment, live_server.url + "/madrid", "ckan")
    first = run_jobs(source)
    assert sorted(first.created) == ["BiciMAD stations", "Car parks"]
    from plaza.core.models import RoleGrant

    with scopes_disabled():
        RoleGrant.objects.create(jurisdiction=madrid, user=paris_admin, role="admin")
        fields = DatasetFields(
            name="bicimad", title="BiciMAD bicycle stations", description=bicimad.description,
            organization=movilidad, licence_id="cc-by-4.0", contact_name="Open data team",
            contact_email="opendata@city.example", state="public", keywords=["bici"],
        )  # fmt: skip
    update_dataset(actor=paris_admin, dataset=bicimad, fields=fields)
    second = run_jobs(source)
    assert second.updated == ["BiciMAD bicycle stations"] and second.unchanged == 1 and second.created == []
    with scope(jurisdiction=paris):
        copy = Dataset.objects.get(name="bicimad")
        assert copy.title == "BiciMAD bicycle stations" and copy.versions.count() == 2
        assert copy.resources.get().url.startswith("https://files.city.example/")


def test_a_harvest_source_at_a_private_address_is_refused(paris, paris_admin, environment):
    with pytest.raises(ValidationError) as refused:
        _source(paris, paris_admin, environment, "http://192.168.1.10/catalog.ttl", "dcat")
    assert "private or local network" in refused.value.message_dict["url"][0]
    with scopes_disabled():
        assert not HarvestSource.objects.exists()


def test_the_schedule_starts_due_harvests_once(
    paris, paris_admin, environment, serve, private_fetch, tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "catalog.rdf").write_bytes((RECORDED / "dcat" / "ckanext-dcat_catalog.rdf").read_bytes())
    _source(paris, paris_admin, environment, serve(tmp_path) + "/catalog.rdf", "dcat")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("harvest_due", stdout=io.StringIO())
    assert harvest_due_sources() == []  # just harvested: not due for 24 hours
    with scope(jurisdiction=paris):
        assert Dataset.objects.count() == 2 and HarvestRun.objects.get().finished_at is not None


def test_the_harvesting_page_is_for_admins(client, paris, paris_admin, environment, env_official):
    client.force_login(env_official)
    assert client.get("/paris/data/harvest/").status_code == 403
    client.force_login(paris_admin)
    refused = client.post(
        "/paris/data/harvest/",
        {"title": "Local", "url": "http://127.0.0.1/", "kind": "ckan", "organization": environment.pk,
         "frequency_hours": 24},
    )  # fmt: skip
    assert refused.status_code == 400 and "private or local network" in refused.content.decode()
    organizations = client.post("/paris/data/organizations/new/", {"title": "Finance", "name": "finance"})
    assert organizations.status_code == 302
    assert "Finance" in client.get("/paris/data/organizations/").content.decode()
    assert json.loads(client.get("/paris/api/3/action/organization_list").content)["result"][1] == "finance"


def test_celery_beat_starts_due_harvests_through_the_portals_task(
    paris, paris_admin, environment, serve, private_fetch, tmp_path, django_capture_on_commit_callbacks
):
    from plaza.celery import app
    from plaza.data.tasks import harvest_due

    schedule = app.conf.beat_schedule["harvest-due-sources"]
    assert schedule["task"] == harvest_due.name and schedule["schedule"] <= 3600
    (tmp_path / "catalog.rdf").write_bytes((RECORDED / "dcat" / "ckanext-dcat_catalog.rdf").read_bytes())
    _source(paris, paris_admin, environment, serve(tmp_path) + "/catalog.rdf", "dcat")
    with django_capture_on_commit_callbacks(execute=True):
        assert harvest_due.run() == 1
    assert harvest_due.run() == 0  # not due again for 24 hours
    with scope(jurisdiction=paris):
        assert Dataset.objects.count() == 2


def test_an_admin_changes_then_removes_a_source_and_the_copies_stay(
    client, paris, paris_admin, environment, env_official, serve, private_fetch, run_jobs, tmp_path, settings
):
    (tmp_path / "catalog.rdf").write_bytes((RECORDED / "dcat" / "ckanext-dcat_catalog.rdf").read_bytes())
    source = _source(paris, paris_admin, environment, serve(tmp_path) + "/catalog.rdf", "dcat")
    run_jobs(source)
    edit = f"/paris/data/harvest/{source.pk}/edit/"
    client.force_login(env_official)
    assert client.get(edit).status_code == 403
    assert client.post(f"/paris/data/harvest/{source.pk}/delete/").status_code == 403
    client.force_login(paris_admin)
    form = {"title": "Madrid", "url": source.url, "kind": "dcat", "organization": environment.pk, "frequency_hours": 6}
    settings.PLAZA_DATA_FETCH_ALLOW_PRIVATE = False
    refused = client.post(edit, {**form, "url": "http://10.1.2.3/catalog.rdf"})
    settings.PLAZA_DATA_FETCH_ALLOW_PRIVATE = True
    assert refused.status_code == 400 and "private or local network" in refused.content.decode()
    with scope(jurisdiction=paris):
        source.refresh_from_db()
        assert source.title == "Elsewhere" and source.frequency_hours == 24  # nothing written
    assert client.post(edit, form).status_code == 302
    with scope(jurisdiction=paris):
        source.refresh_from_db()
        assert (source.title, source.frequency_hours) == ("Madrid", 6)
        assert AuditEntry.objects.filter(action="data.harvest.source_update").exists()
    assert client.post(f"/paris/data/harvest/{source.pk}/delete/").status_code == 302
    with scope(jurisdiction=paris):
        assert not HarvestSource.objects.exists() and not HarvestRun.objects.exists()
        assert Dataset.objects.count() == 2  # the datasets copied stay
        assert AuditEntry.objects.filter(action="data.harvest.source_delete").exists()


def test_another_jurisdictions_admin_cannot_reach_a_source(
    client, paris, paris_admin, environment, madrid_admin, private_fetch
):
    source = _source(paris, paris_admin, environment, "http://127.0.0.1:9/catalog.rdf", "dcat")
    client.force_login(madrid_admin)
    assert client.get(f"/paris/data/harvest/{source.pk}/edit/").status_code == 403
    assert client.post(f"/paris/data/harvest/{source.pk}/delete/").status_code == 403
