"""CKAN 2.10's Action API over the portal's public datasets: the actions and the dicts they answer."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from plaza.core.models import Jurisdiction
from plaza.core.tenancy import across_jurisdictions
from plaza.data import queries
from plaza.data.models import Dataset, Organization, Resource
from plaza.data.vocabularies import Theme, licences

CKAN_VERSION = "2.10.0"  # the API level Plaza answers like
TAG_NAMESPACE = uuid.UUID("5b1a7f0e-6a43-4a36-9b6c-7d1f2f0f6c11")  # stable tag ids from tag names
MAX_ROWS = 1000


class CkanError(Exception):
    """An action's refusal, answered in CKAN's shape: `error.__type` and an HTTP status."""

    def __init__(self, kind: str, status: int, message: str = "", fields: dict | None = None):
        super().__init__(message)
        self.kind, self.status, self.message, self.fields = kind, status, message, fields or {}

    def body(self) -> dict:
        return {"__type": self.kind, **({"message": self.message} if self.message else {}), **self.fields}


def not_found(message: str = "") -> CkanError:
    return CkanError("Not Found Error", 404, message or _("Not found"))


def invalid(field: str, message: str) -> CkanError:
    return CkanError("Validation Error", 409, "", {field: [message]})


@dataclass
class Site:
    """One jurisdiction's portal, or the whole network's public datasets (jurisdiction None)."""

    request: object
    jurisdiction: Jurisdiction | None

    def scope(self) -> list[Jurisdiction] | None:
        return [self.jurisdiction] if self.jurisdiction else None

    def datasets(self) -> QuerySet[Dataset]:
        return queries.public_datasets(self.scope())

    def organizations(self) -> QuerySet[Organization]:
        if self.jurisdiction:
            return Organization.objects.with_scope(jurisdiction=self.jurisdiction)
        with across_jurisdictions():
            return Organization.objects.filter(jurisdiction__is_active=True)

    def url(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


ACTIONS: dict[str, Callable[[Site, dict], object]] = {}


def action(function: Callable[[Site, dict], object]) -> Callable[[Site, dict], object]:
    ACTIONS[function.__name__] = function
    return function


# --- parameters ---------------------------------------------------------------------------------


def integer(params: dict, name: str, default: int, *, low: int = 0, high: int | None = None) -> int:
    raw = params.get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise invalid(name, _("Invalid integer")) from None
    if value < low or (high is not None and value > high):
        raise invalid(name, _("Must be between %(low)s and %(high)s") % {"low": low, "high": high or "∞"})
    return value


def boolean(params: dict, name: str) -> bool:
    return str(params.get(name, "")).lower() in {"true", "1", "yes", "on"}


def required(params: dict, name: str) -> str:
    value = str(params.get(name, "") or "").strip()
    if not value:
        raise invalid(name, _("Missing value"))
    return value


def by_id_or_name(found: QuerySet, key: str):
    try:
        return found.filter(Q(uuid=uuid.UUID(key)) | Q(name=key)).first()
    except ValueError:
        return found.filter(name=key).first()


# --- dicts --------------------------------------------------------------------------------------


def organization_dict(organization: Organization, package_count: int | None = None) -> dict:
    shaped = {
        "id": str(organization.uuid),
        "name": organization.name,
        "title": organization.title,
        "display_name": organization.title,
        "description": organization.description,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "image_display_url": "",
        "created": organization.created_at.isoformat(),
    }
    if package_count is not None:
        shaped["package_count"] = package_count
    return shaped


def group_dict(code: str, package_count: int | None = None) -> dict:
    title = str(Theme(code).label)
    shaped = {"id": code.lower(), "name": code.lower(), "title": title, "display_name": title, "description": ""}
    shaped.update({"image_display_url": "", "type": "group", "is_organization": False, "state": "active"})
    if package_count is not None:
        shaped["package_count"] = package_count
    return shaped


def tag_dict(name: str) -> dict:
    tag_id = str(uuid.uuid5(TAG_NAMESPACE, name))
    return {"id": tag_id, "name": name, "display_name": name, "state": "active", "vocabulary_id": None}


def resource_dict(site: Site, resource: Resource, dataset: Dataset) -> dict:
    attachment = resource.attachment
    return {
        "id": str(resource.uuid),
        "package_id": str(dataset.uuid),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "url": site.url(resource.download_url()) if attachment else resource.url,
        "url_type": "upload" if attachment else None,
        "mimetype": attachment.mime_type if attachment else None,
        "size": attachment.size if attachment else None,
        "hash": "",
        "position": resource.position,
        "state": "active",
        "created": resource.created_at.isoformat(),
        "last_modified": resource.modified_at.isoformat(),
        "metadata_modified": resource.modified_at.isoformat(),
        "datastore_active": _datastore_active(resource),
        "resource_type": None,
        "mimetype_inner": None,
        "cache_url": None,
        "cache_last_updated": None,
    }


def _datastore_active(resource: Resource) -> bool:
    from plaza.data.queries import datastore_of

    table = datastore_of(resource)
    return bool(table and table.is_active)


PACKAGE_CACHE_SECONDS = 3600


def package_dicts(site: Site, page: list[tuple[int, object]]) -> list[dict]:
    """The CKAN dicts of a page of datasets given as (id, modified_at), from the cache where they are.

    A dict depends on its dataset (every change moves `modified_at`, a datastore table turning (in)active too),
    the site's address and the language of theme titles: all in the key, so a kept dict is never stale and
    nothing needs invalidating. Misses are fetched with their details in one go (four queries).
    """
    base, language = site.url("/"), get_language()
    keys = {pk: f"data:package:{pk}:{modified.isoformat()}:{language}:{base}" for pk, modified in page}
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        fresh = {keys[d.pk]: package_dict(site, d) for d in site.datasets().filter(pk__in=missing) if d.pk in keys}
        cache.set_many(fresh, PACKAGE_CACHE_SECONDS)
        found.update(fresh)
    return [found[keys[pk]] for pk, _modified in page if keys[pk] in found]


def package_dict(site: Site, dataset: Dataset) -> dict:
    licence = licences().get(dataset.licence_id)
    tags = [tag_dict(k.name) for k in dataset.keywords.all()]
    resources = [resource_dict(site, r, dataset) for r in dataset.resources.all()]
    extras = {
        "frequency": dataset.frequency,
        "spatial_text": dataset.spatial,
        "temporal_start": dataset.temporal_start.isoformat() if dataset.temporal_start else "",
        "temporal_end": dataset.temporal_end.isoformat() if dataset.temporal_end else "",
        "theme": " ".join(t.code for t in dataset.themes.all()),
        "jurisdiction": dataset.jurisdiction.slug,
    }
    return {
        "id": str(dataset.uuid),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.description,
        "type": "dataset",
        "state": "active",
        "private": False,
        "author": None,
        "author_email": None,
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "license_id": dataset.licence_id,
        "license_title": licence.title if licence else dataset.licence_id,
        "license_url": licence.url if licence else "",
        "isopen": bool(licence and licence.is_open),
        "url": site.url(dataset.get_absolute_url()),
        "version": None,
        "creator_user_id": None,
        "metadata_created": dataset.created_at.isoformat(),
        "metadata_modified": dataset.modified_at.isoformat(),
        "owner_org": str(dataset.organization.uuid),
        "organization": organization_dict(dataset.organization),
        "num_resources": len(resources),
        "num_tags": len(tags),
        "resources": resources,
        "tags": tags,
        "groups": [group_dict(t.code) for t in dataset.themes.all()],
        "extras": [{"key": k, "value": v} for k, v in extras.items() if v],
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }
