"""Every write of the open data portal: organisations, datasets (each save a version) and resources."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plaza.core.audit import record
from plaza.core.jobs import enqueue
from plaza.core.models import Jurisdiction, Role, Verification
from plaza.core.operations.attachments import attach_file
from plaza.core.operations.comments import follow
from plaza.core.operations.moderation import refuse_if_blocked
from plaza.core.operations.notifications import notify, register_event
from plaza.core.operations.sdg import set_sdg_tags
from plaza.core.permissions import require_role
from plaza.core.queries.sdg import tags_of
from plaza.core.search import index_object
from plaza.core.tenancy import across_jurisdictions, jurisdiction_scope
from plaza.data import datastore
from plaza.data.access import is_member, member_organizations
from plaza.data.fetching import check_public_url
from plaza.data.jobs import HARVEST_JOB, LOAD_JOB
from plaza.data.models import (
    Dataset,
    DatasetKeyword,
    DatasetRequest,
    DatasetRequestSupport,
    DatasetTheme,
    DatasetVersion,
    DatastoreTable,
    HarvestRun,
    HarvestSource,
    Organization,
    Resource,
    UsageCount,
)
from plaza.data.versions import snapshot
from plaza.data.vocabularies import Frequency, Theme, licences

# Dataset short names that would shadow the portal's own addresses under /<j>/data/.
RESERVED_NAMES = frozenset({"new", "export", "organizations", "api", "catalog", "requests", "usage", "harvest"})
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_KEYWORDS = 20


@dataclass(frozen=True)
class DatasetFields:
    """A dataset's metadata as publishers give it (page form, API, seeds)."""

    name: str
    title: str
    description: str
    organization: Organization
    licence_id: str
    contact_name: str
    contact_email: str
    state: str = Dataset.State.DRAFT
    themes: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    temporal_start: date | None = None
    temporal_end: date | None = None
    spatial: str = ""
    frequency: str = Frequency.UNKNOWN
    sdg_goals: list[int] = field(default_factory=list)


def create_organization(
    *, actor, jurisdiction: Jurisdiction, name: str, title: str, description: str = ""
) -> Organization:
    require_role(actor, jurisdiction, Role.ADMIN)
    if not NAME.match(name or ""):
        raise ValidationError({"name": _("Use lower-case letters, digits, hyphens and underscores.")})
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        if Organization.objects.filter(name=name).exists():
            raise ValidationError({"name": _("Another organisation already has this short name.")})
        organization = Organization.objects.create(
            jurisdiction=jurisdiction, name=name, title=title.strip(), description=description.strip()
        )
        record(
            jurisdiction=jurisdiction, actor=actor, action="data.organization.create", target=organization, public=True
        )
    return organization


def _require_publisher(actor, organization: Organization) -> None:
    if not is_member(actor, organization):
        raise PermissionDenied(_("Only this organisation's officials and the jurisdiction's admins may do this."))


def _clean_keywords(keywords: list[str]) -> list[str]:
    cleaned = sorted({k.strip()[:100] for k in keywords if k and k.strip()})
    if len(cleaned) > MAX_KEYWORDS:
        raise ValidationError({"keywords": _("Use at most %(n)s keywords.") % {"n": MAX_KEYWORDS}})
    return cleaned


def _check_fields(fields: DatasetFields, jurisdiction: Jurisdiction, dataset: Dataset | None) -> None:
    errors = {}
    if not NAME.match(fields.name or "") or fields.name in RESERVED_NAMES:
        errors["name"] = _("Use lower-case letters, digits, hyphens and underscores (not new, export, api…).")
    elif Dataset.objects.filter(name=fields.name).exclude(pk=dataset.pk if dataset else None).exists():
        errors["name"] = _("Another dataset already has this short name.")
    if not fields.title.strip():
        errors["title"] = _("Give the dataset a title.")
    if not fields.description.strip():
        errors["description"] = _("Describe the dataset.")
    if fields.organization.jurisdiction_id != jurisdiction.pk:
        errors["organization"] = _("Choose one of this jurisdiction's organisations.")
    if fields.licence_id not in licences():
        errors["licence_id"] = _("Choose a licence from the list.")
    if fields.state not in Dataset.State.values:
        errors["state"] = _("Choose draft, private or public.")
    if fields.frequency not in Frequency.values:
        errors["frequency"] = _("Choose an update frequency from the list.")
    unknown = sorted(set(fields.themes) - set(Theme.values))
    if unknown:
        errors["themes"] = _("Unknown themes: %(codes)s.") % {"codes": ", ".join(unknown)}
    if fields.temporal_start and fields.temporal_end and fields.temporal_end < fields.temporal_start:
        errors["temporal_end"] = _("The end of the period covered comes before its start.")
    if errors:
        raise ValidationError(errors)


def _write_dataset(dataset: Dataset, fields: DatasetFields, actor) -> None:
    for attribute in (
        "name", "title", "description", "organization", "licence_id", "contact_name",
        "contact_email", "state", "temporal_start", "temporal_end", "spatial", "frequency",
    ):  # fmt: skip
        value = getattr(fields, attribute)
        setattr(dataset, attribute, value.strip() if isinstance(value, str) else value)
    dataset.save()
    dataset.themes.all().delete()
    DatasetTheme.objects.bulk_create(
        [DatasetTheme(jurisdiction=dataset.jurisdiction, dataset=dataset, code=c) for c in sorted(set(fields.themes))]
    )
    dataset.keywords.all().delete()
    DatasetKeyword.objects.bulk_create(
        [DatasetKeyword(jurisdiction=dataset.jurisdiction, dataset=dataset, name=k) for k in fields.keywords]
    )


def record_version(dataset: Dataset, actor) -> DatasetVersion:
    """Keep the dataset as it now stands as its next version (inside the writing transaction)."""
    goals = sorted({tag.goal.number for tag in tags_of(dataset)})
    last = dataset.versions.order_by("-number").values_list("number", flat=True).first() or 0
    authenticated = actor is not None and actor.is_authenticated
    return DatasetVersion.objects.create(
        jurisdiction=dataset.jurisdiction,
        dataset=dataset,
        number=last + 1,
        snapshot=snapshot(dataset, sdg_goals=goals),
        actor=actor if authenticated else None,
        actor_label=actor.display_name if authenticated else "",
    )


def _save(*, actor, dataset: Dataset, fields: DatasetFields, action: str) -> Dataset:
    jurisdiction = dataset.jurisdiction
    _require_publisher(actor, fields.organization)
    fields = DatasetFields(**{**fields.__dict__, "keywords": _clean_keywords(fields.keywords)})
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        _check_fields(fields, jurisdiction, dataset if dataset.pk else None)
        _write_dataset(dataset, fields, actor)
        if sorted({t.goal.number for t in tags_of(dataset)}) != sorted(set(fields.sdg_goals)):
            set_sdg_tags(actor=actor, content=dataset, goals=fields.sdg_goals)
        version = record_version(dataset, actor)
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action=action,
            target=dataset,
            data={"version": version.number, "state": dataset.state},
            public=dataset.is_public,
        )
        index_object(dataset)
    return dataset


def create_dataset(*, actor, jurisdiction: Jurisdiction, fields: DatasetFields) -> Dataset:
    """A new dataset of one of the actor's organisations; its first version."""
    return _save(actor=actor, dataset=Dataset(jurisdiction=jurisdiction), fields=fields, action="data.dataset.create")


def update_dataset(*, actor, dataset: Dataset, fields: DatasetFields) -> Dataset:
    """Change a dataset's metadata (or move it between organisations the actor belongs to): a new version."""
    _require_publisher(actor, dataset.organization)
    return _save(actor=actor, dataset=dataset, fields=fields, action="data.dataset.update")


def _upload_format(upload, format: str) -> str:
    if format or upload is None:
        return format
    name = getattr(upload, "name", "") or ""
    return name.rsplit(".", 1)[-1].upper()[:20] if "." in name else ""


def _check_tabular_upload(upload, format: str) -> None:
    """A CSV or XLSX meant for the datastore is refused here if it could never load (encoding, zip bomb)."""
    if upload is None or not datastore.is_tabular(format):
        return
    upload.seek(0)
    head = b"".join(upload.chunks())
    upload.seek(0)
    datastore.check_tabular(head, format, "upload")


def add_resource(
    *, actor, dataset: Dataset, name: str, format: str = "", description: str = "", url: str = "", upload=None
) -> Resource:
    """Add a file (checked like every attachment) or a link to a dataset: a new version of the dataset.

    A CSV or XLSX is queued for loading into the datastore (validated there, row by row).
    """
    _require_publisher(actor, dataset.organization)
    name, url, format = (name or "").strip(), (url or "").strip(), (format or "").strip().upper()[:20]
    if not name:
        raise ValidationError({"name": _("Give the resource a name.")})
    if bool(url) == bool(upload):
        raise ValidationError({"upload": _("Upload a file or give a link, not both.")})
    format = _upload_format(upload, format)
    if url:
        check_public_url(url) if datastore.is_tabular(format) else _check_link(url)
    _check_tabular_upload(upload, format)
    jurisdiction = dataset.jurisdiction
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        attachment = attach_file(actor=actor, target=dataset, upload=upload, title=name) if upload else None
        if not format:
            raise ValidationError({"format": _("Say which format the resource is in (CSV, JSON, PDF…).")})
        position = dataset.resources.count()
        resource = Resource.objects.create(
            jurisdiction=jurisdiction, dataset=dataset, name=name, description=description.strip(),
            format=format, url=url, attachment=attachment, position=position,
        )  # fmt: skip
        Dataset.objects.filter(pk=dataset.pk).update(modified_at=resource.created_at)
        version = record_version(dataset, actor)
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="data.resource.create",
            target=dataset,
            data={"resource": str(resource.uuid), "name": name, "version": version.number},
            public=dataset.is_public,
        )
        if datastore.is_tabular(format):
            queue_datastore_load(actor=actor, resource=resource)
    return resource


def _check_link(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationError({"url": _("Enter a web address starting with http:// or https://.")})


def queue_datastore_load(*, actor, resource: Resource) -> DatastoreTable:
    """(Re)load a tabular resource into the datastore as a background job; its table is inactive until loaded."""
    _require_publisher(actor, resource.dataset.organization)
    jurisdiction = resource.jurisdiction
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        table, _created = DatastoreTable.objects.get_or_create(jurisdiction=jurisdiction, resource=resource)
        if table.status in (DatastoreTable.Status.QUEUED, DatastoreTable.Status.LOADING) and table.job_id:
            return table
        job = enqueue(jurisdiction=jurisdiction, kind=LOAD_JOB, params={"table": table.pk}, actor=actor)
        DatastoreTable.objects.filter(pk=table.pk).update(status=DatastoreTable.Status.QUEUED, job=job)
        datastore.touch_dataset(table)
        table.status, table.job = DatastoreTable.Status.QUEUED, job
        record(
            jurisdiction=jurisdiction,
            actor=actor,
            action="data.datastore.load",
            target=resource.dataset,
            data={"resource": str(resource.uuid), "job": job.pk},
            public=resource.dataset.is_public,
        )
    return table


# --- dataset requests -----------------------------------------------------------------------------

REQUEST_TITLE_MAX = 200
register_event("data.request.answered", gettext_lazy("%(actor)s answered your data request “%(target)s”."))
REQUEST_TEXT_MAX = 5000


def submit_request(
    *, actor, jurisdiction: Jurisdiction, title: str, description: str, organization: Organization | None = None
) -> DatasetRequest:
    """A signed-in resident asks for a dataset to be released; they follow it to hear the answer."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to request a dataset."))
    refuse_if_blocked(actor, jurisdiction)
    title, description = (title or "").strip(), (description or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Say which data you would like the city to publish.")
    elif len(title) > REQUEST_TITLE_MAX:
        errors["title"] = _("Keep the title under %(n)s characters.") % {"n": REQUEST_TITLE_MAX}
    if not description:
        errors["description"] = _("Say why it matters, or what you would do with it.")
    elif len(description) > REQUEST_TEXT_MAX:
        errors["description"] = _("Keep the description under %(n)s characters.") % {"n": REQUEST_TEXT_MAX}
    if organization is not None and organization.jurisdiction_id != jurisdiction.pk:
        errors["organization"] = _("Choose one of this jurisdiction's organisations.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        request = DatasetRequest.objects.create(
            jurisdiction=jurisdiction, title=title, description=description, organization=organization, author=actor
        )
        follow(actor=actor, target=request)
        record(jurisdiction=jurisdiction, actor=actor, action="data.request.submit", target=request, public=True)
    return request


def _person_of(actor, jurisdiction: Jurisdiction):
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to support a request."))
    verification = (
        Verification.objects.with_scope(jurisdiction=jurisdiction).filter(user=actor).select_related("person").first()
    )
    if verification is None:
        raise PermissionDenied(_("Verify your identity with the census to support requests."))
    return verification.person


def support_request(*, actor, request: DatasetRequest) -> DatasetRequestSupport:
    """One support per person, whichever of their accounts gives it (the database refuses a second)."""
    jurisdiction = request.jurisdiction
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        person = _person_of(actor, jurisdiction)
        takes = (DatasetRequest.Status.OPEN, DatasetRequest.Status.PLANNED)
        state = DatasetRequest.objects.filter(pk=request.pk).values_list("status", "hidden_reason").first()
        if state is None or state[1]:
            raise ValidationError(_("A moderator hid this request: it takes no supports."))
        if state[0] not in takes:
            raise ValidationError(_("This request has been answered and takes no more supports."))
        try:
            with transaction.atomic():
                support = DatasetRequestSupport.objects.create(
                    jurisdiction=jurisdiction, request=request, person=person
                )
        except IntegrityError as twice:
            raise ValidationError(_("You have already supported this request.")) from twice
        DatasetRequest.objects.filter(pk=request.pk).update(support_count=F("support_count") + 1)
        request.refresh_from_db(fields=["support_count"])
        record(jurisdiction=jurisdiction, actor=actor, action="data.request.support", target=request, public=False)
    return support


def answer_request(
    *, actor, request: DatasetRequest, status: str, answer: str = "", dataset: Dataset | None = None
) -> DatasetRequest:
    """A publisher says the data is planned, published (linking the dataset) or declined (with the reason)."""
    jurisdiction = request.jurisdiction
    if not member_organizations(actor, jurisdiction).exists() or (
        request.organization and not is_member(actor, request.organization)
    ):
        raise PermissionDenied(_("Only the department's officials and the jurisdiction's admins answer requests."))
    answer = (answer or "").strip()[:REQUEST_TEXT_MAX]
    errors = {}
    answers = (DatasetRequest.Status.PLANNED, DatasetRequest.Status.PUBLISHED, DatasetRequest.Status.DECLINED)
    if status not in answers:
        errors["status"] = _("Choose planned, published or declined.")
    if status == DatasetRequest.Status.DECLINED and not answer:
        errors["answer"] = _("Say why the data will not be published.")
    if status == DatasetRequest.Status.PUBLISHED:
        if dataset is None:
            errors["dataset"] = _("Choose the dataset that answers the request.")
        elif dataset.jurisdiction_id != jurisdiction.pk or not dataset.is_public:
            errors["dataset"] = _("Choose one of this jurisdiction's public datasets.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        request.status, request.answer, request.answered_at = status, answer, timezone.now()
        request.dataset = dataset if status == DatasetRequest.Status.PUBLISHED else None
        request.save(update_fields=["status", "answer", "answered_at", "dataset"])
        record(
            jurisdiction=jurisdiction, actor=actor, action="data.request.answer", target=request,
            data={"status": status, "dataset": request.dataset.name if request.dataset else None}, public=True,
        )  # fmt: skip
        transaction.on_commit(
            partial(notify, jurisdiction=jurisdiction, event="data.request.answered", target=request, actor=actor)
        )
    return request


# --- usage counts ---------------------------------------------------------------------------------


def count_use(*, dataset: Dataset, kind: str, resource: Resource | None = None) -> None:
    """One more view or download today: an atomic upsert on the day's counter row, no trace of who."""
    today = timezone.localdate()
    rows = UsageCount.objects.with_scope(jurisdiction=dataset.jurisdiction).filter(
        dataset=dataset, resource=resource, day=today, kind=kind
    )
    with transaction.atomic():
        if rows.update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                UsageCount.objects.create(
                    jurisdiction=dataset.jurisdiction, dataset=dataset, resource=resource, day=today, kind=kind, count=1
                )
        except IntegrityError:  # another request created today's row first
            rows.update(count=F("count") + 1)


# --- harvesting -----------------------------------------------------------------------------------


def _check_source(
    *, jurisdiction: Jurisdiction, title: str, url: str, kind: str, organization: Organization, frequency_hours: int
) -> None:
    errors = {}
    if not title:
        errors["title"] = _("Name the catalogue.")
    if kind not in HarvestSource.Kind.values:
        errors["kind"] = _("Choose CKAN or DCAT.")
    if organization.jurisdiction_id != jurisdiction.pk:
        errors["organization"] = _("Choose one of this jurisdiction's organisations.")
    if not 1 <= int(frequency_hours or 0) <= 24 * 365:
        errors["frequency_hours"] = _("Harvest between every hour and once a year.")
    try:
        check_public_url(url)
    except ValidationError as refused:
        errors.update(refused.message_dict)
    if errors:
        raise ValidationError(errors)


def create_harvest_source(
    *, actor, jurisdiction: Jurisdiction, title: str, url: str, kind: str, organization: Organization,
    frequency_hours: int = 24,
) -> HarvestSource:  # fmt: skip
    """An admin names another catalogue to copy public datasets from, into one of the portal's organisations."""
    require_role(actor, jurisdiction, Role.ADMIN)
    title, url = (title or "").strip(), (url or "").strip()
    _check_source(
        jurisdiction=jurisdiction, title=title, url=url, kind=kind, organization=organization,
        frequency_hours=frequency_hours,
    )  # fmt: skip
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        if HarvestSource.objects.filter(url=url).exists():
            raise ValidationError({"url": _("This catalogue is already harvested.")})
        source = HarvestSource.objects.create(
            jurisdiction=jurisdiction, title=title, url=url, kind=kind, organization=organization,
            frequency_hours=frequency_hours,
        )  # fmt: skip
        record(jurisdiction=jurisdiction, actor=actor, action="data.harvest.source", target=source, public=True)
    return source


def update_harvest_source(
    *, actor, source: HarvestSource, title: str, url: str, kind: str, organization: Organization,
    frequency_hours: int,
) -> HarvestSource:  # fmt: skip
    """An admin changes a catalogue's name, address, kind, organisation or schedule (its harvests stay)."""
    jurisdiction = source.jurisdiction
    require_role(actor, jurisdiction, Role.ADMIN)
    title, url = (title or "").strip(), (url or "").strip()
    _check_source(
        jurisdiction=jurisdiction, title=title, url=url, kind=kind, organization=organization,
        frequency_hours=frequency_hours,
    )  # fmt: skip
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        if HarvestSource.objects.filter(url=url).exclude(pk=source.pk).exists():
            raise ValidationError({"url": _("This catalogue is already harvested.")})
        before = {
            "title": source.title,
            "url": source.url,
            "kind": source.kind,
            "frequency_hours": source.frequency_hours,
        }
        source.title, source.url, source.kind = title, url, kind
        source.organization, source.frequency_hours = organization, frequency_hours
        source.save()
        record(
            jurisdiction=jurisdiction, actor=actor, action="data.harvest.source_update", target=source,
            data={"before": before}, public=True,
        )  # fmt: skip
    return source


def delete_harvest_source(*, actor, source: HarvestSource) -> None:
    """An admin stops harvesting a catalogue: the source and its run history go, the datasets copied stay."""
    jurisdiction = source.jurisdiction
    require_role(actor, jurisdiction, Role.ADMIN)
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        record(
            jurisdiction=jurisdiction, actor=actor, action="data.harvest.source_delete", target=source,
            data={"title": source.title, "url": source.url}, public=True,
        )  # fmt: skip
        HarvestSource.objects.filter(pk=source.pk).delete()


def start_harvest(*, actor, source: HarvestSource) -> HarvestRun:
    """Run a harvest now, as a background job (actor None: the schedule started it)."""
    jurisdiction = source.jurisdiction
    if actor is not None:
        require_role(actor, jurisdiction, Role.ADMIN)
    with transaction.atomic(), jurisdiction_scope(jurisdiction):
        run = HarvestRun.objects.create(jurisdiction=jurisdiction, source=source)
        HarvestSource.objects.filter(pk=source.pk).update(last_run_at=timezone.now())  # the schedule counts from here
        job = enqueue(jurisdiction=jurisdiction, kind=HARVEST_JOB, params={"run": run.pk}, actor=actor)
        HarvestRun.objects.filter(pk=run.pk).update(job=job)
        run.job = job
        record(
            jurisdiction=jurisdiction, actor=actor, action="data.harvest.start", target=source,
            data={"run": run.pk, "job": job.pk}, public=True,
        )  # fmt: skip
    return run


def harvest_due_sources(now=None) -> list[HarvestRun]:
    """Start a harvest of every source whose last run is older than its frequency (cron or Celery beat)."""
    now = now or timezone.now()
    started = []
    with across_jurisdictions():  # the schedule serves every jurisdiction
        sources = list(HarvestSource.objects.select_related("jurisdiction").filter(jurisdiction__is_active=True))
    for source in sources:
        due = source.last_run_at is None or source.last_run_at + timedelta(hours=source.frequency_hours) <= now
        with jurisdiction_scope(source.jurisdiction):
            running = source.runs.filter(finished_at__isnull=True, job__status__in=["queued", "running"]).exists()
        if due and not running:
            started.append(start_harvest(actor=None, source=source))
    return started


def hide_blocked_content(*, actor, jurisdiction, user, reason: str) -> dict[str, int]:
    """Core's `block_account` asks this (the manifest's hook) in its transaction: the blocked account's dataset
    requests in the jurisdiction are hidden with the block's public reason (their supports stay)."""
    hidden = DatasetRequest.objects.filter(author=user, hidden_reason="").update(hidden_reason=reason)
    return {"dataset_requests": hidden}


def show_unblocked_content(*, actor, jurisdiction, user, reason: str) -> dict[str, int]:
    """Core's `unblock_account` asks this in its transaction: the requests the block hid are shown again."""
    shown = DatasetRequest.objects.filter(author=user, hidden_reason=reason).update(hidden_reason="")
    return {"dataset_requests": shown}
