"""Harvesting: reading another catalogue (CKAN's Action API or DCAT RDF) and copying its datasets, idempotently.

Each remote dataset becomes a public dataset of the source's organisation, keyed by (source, remote id).
A fingerprint of what was copied tells an unchanged dataset (left alone) from a changed one (a new version).
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plaza.core.search import index_object
from plaza.data.fetching import fetch
from plaza.data.models import Dataset, HarvestedDataset, HarvestRun, HarvestSource, Resource
from plaza.data.vocabularies import Frequency, licences

CKAN_PAGE = 100
MAX_REMOTE_DATASETS = 10000
LICENCE_ALIASES = {
    "cc-by": "cc-by-4.0",
    "cc-by-sa": "cc-by-sa-4.0",
    "cc-zero": "cc0-1.0",
    "cc0": "cc0-1.0",
    "odc-odbl": "odc-odbl-1.0",
    "odc-by": "odc-by-1.0",
    "odc-pddl": "odc-pddl-1.0",
    "uk-ogl": "ogl-uk-3.0",
    "ogl-uk": "ogl-uk-3.0",
}
UNKNOWN_LICENCE = "other-closed"  # when the source's licence is none we know, we do not claim it is open


@dataclass(frozen=True)
class RemoteResource:
    name: str
    url: str
    format: str = ""
    description: str = ""


@dataclass(frozen=True)
class RemoteDataset:
    remote_id: str
    name: str
    title: str
    description: str
    licence_id: str = UNKNOWN_LICENCE
    keywords: tuple[str, ...] = ()
    contact_name: str = ""
    contact_email: str = ""
    resources: tuple[RemoteResource, ...] = ()

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()


def known_licence(value: str) -> str:
    """Our id for the source's licence (a CKAN id, an alias, an SPDX id or a licence URL), else UNKNOWN_LICENCE."""
    value = (value or "").strip()
    if not value:
        return UNKNOWN_LICENCE
    lowered = value.lower().rstrip("/")
    known = licences()
    if lowered in known:
        return lowered
    if lowered in LICENCE_ALIASES:
        return LICENCE_ALIASES[lowered]
    for licence in known.values():
        if licence.spdx and licence.spdx.lower() == lowered:
            return licence.id
        if licence.url and licence.url.lower().rstrip("/").split("://")[-1] == lowered.split("://")[-1]:
            return licence.id
    tail = lowered.rsplit("/", 1)[-1]
    return LICENCE_ALIASES.get(tail, known[tail].id if tail in known else UNKNOWN_LICENCE)


# --- CKAN -----------------------------------------------------------------------------------------


def ckan_dataset(package: dict) -> RemoteDataset:
    resources = tuple(
        RemoteResource(
            name=(r.get("name") or r.get("url") or "")[:200],
            url=r["url"][:500],
            format=(r.get("format") or "").upper()[:20],
            description=(r.get("description") or "")[:2000],
        )
        for r in package.get("resources") or []
        if (r.get("url") or "").startswith(("http://", "https://"))
    )
    return RemoteDataset(
        remote_id=str(package.get("id") or package["name"]),
        name=str(package.get("name") or package.get("id")),
        title=(package.get("title") or package.get("name") or "")[:200],
        description=package.get("notes") or package.get("title") or "",
        licence_id=known_licence(package.get("license_id") or package.get("license_url") or ""),
        keywords=tuple(sorted({t["name"][:100] for t in package.get("tags") or [] if t.get("name")}))[:20],
        contact_name=(package.get("maintainer") or package.get("author") or "")[:200],
        contact_email=(package.get("maintainer_email") or package.get("author_email") or "").strip()[:254],
        resources=resources,
    )


def ckan_datasets(base_url: str) -> Iterator[RemoteDataset]:
    """Every public dataset of a CKAN site, page by page through package_search."""
    seen: set[str] = set()
    start = 0
    while start < MAX_REMOTE_DATASETS:
        query = urlencode({"rows": CKAN_PAGE, "start": start, "sort": "name asc"})
        body = fetch(f"{base_url.rstrip('/')}/api/3/action/package_search?{query}", accept="application/json")
        try:
            result = json.loads(body)["result"]
            packages = result["results"]
        except (ValueError, KeyError, TypeError):
            raise ValidationError({"url": _("The address did not answer like a CKAN Action API.")}) from None
        fresh = [p for p in packages if str(p.get("id") or p.get("name")) not in seen]
        if not fresh:
            return
        for package in fresh:
            seen.add(str(package.get("id") or package.get("name")))
            yield ckan_dataset(package)
        start += len(packages)
        if start >= int(result.get("count") or 0):
            return


# --- DCAT -----------------------------------------------------------------------------------------


def _literal(graph, subject, predicate, language: str = "") -> str:
    values = list(graph.objects(subject, predicate))
    preferred = [v for v in values if getattr(v, "language", None) in (language, None)] or values
    return str(preferred[0]).strip() if preferred else ""


def dcat_datasets(graph, language: str = "") -> list[RemoteDataset]:
    """The dcat:Dataset nodes of an RDF graph as remote datasets (their distributions as link resources)."""
    from rdflib import Namespace
    from rdflib.namespace import DCAT, DCTERMS, RDF

    VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")  # noqa: N806 - named like rdflib's namespaces

    found = []
    for node in sorted(graph.subjects(RDF.type, DCAT.Dataset), key=str):
        identifier = _literal(graph, node, DCTERMS.identifier) or str(node)
        title = _literal(graph, node, DCTERMS.title, language) or identifier
        resources = []
        for distribution in sorted(graph.objects(node, DCAT.distribution), key=str):
            url = str(graph.value(distribution, DCAT.downloadURL) or graph.value(distribution, DCAT.accessURL) or "")
            if not url.startswith(("http://", "https://")):
                continue
            kind = str(graph.value(distribution, DCTERMS.format) or graph.value(distribution, DCAT.mediaType) or "")
            resources.append(
                RemoteResource(
                    name=(_literal(graph, distribution, DCTERMS.title, language) or url)[:200],
                    url=url[:500],
                    format=re.split(r"[/#]", kind.rstrip("/"))[-1].upper()[:20] if kind else "",
                    description=_literal(graph, distribution, DCTERMS.description, language)[:2000],
                )
            )
        contact = graph.value(node, DCAT.contactPoint)
        email = str(graph.value(contact, VCARD.hasEmail) or "") if contact is not None else ""
        licence = graph.value(node, DCTERMS.license) or next(
            (graph.value(d, DCTERMS.license) for d in graph.objects(node, DCAT.distribution)), None
        )
        found.append(
            RemoteDataset(
                remote_id=identifier[:300],
                name=identifier.rstrip("/").rsplit("/", 1)[-1],
                title=title[:200],
                description=_literal(graph, node, DCTERMS.description, language) or title,
                licence_id=known_licence(str(licence or "")),
                keywords=tuple(sorted({str(k)[:100] for k in graph.objects(node, DCAT.keyword)}))[:20],
                contact_name=(_literal(graph, contact, VCARD.fn) if contact is not None else "")[:200],
                contact_email=email.removeprefix("mailto:")[:254],
                resources=tuple(resources),
            )
        )
    return found


def read_dcat(content: bytes, url: str = "", language: str = "") -> list[RemoteDataset]:
    """Parse a DCAT catalogue (Turtle, RDF/XML or JSON-LD, told apart by its first characters)."""
    from rdflib import Graph

    head = content.lstrip()[:200]
    kind = "json-ld" if head[:1] in (b"{", b"[") else "xml" if head.startswith(b"<") else "turtle"
    graph = Graph()
    try:
        graph.parse(data=content, format=kind, publicID=url or None)
    except Exception as unreadable:  # rdflib raises many kinds (BadSyntax, SAX errors, JSON errors)
        raise ValidationError(
            {"url": _("The catalogue could not be read as RDF: %(error)s") % {"error": str(unreadable)[:300]}}
        ) from None
    return dcat_datasets(graph, language)


def remote_datasets(source: HarvestSource) -> list[RemoteDataset]:
    if source.kind == HarvestSource.Kind.CKAN:
        return list(ckan_datasets(source.url))
    accept = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"
    return read_dcat(fetch(source.url, accept=accept), source.url, source.jurisdiction.default_language)


# --- copying --------------------------------------------------------------------------------------


def _local_name(source: HarvestSource, remote: RemoteDataset) -> str:
    base = slugify(remote.name)[:80].strip("-") or "dataset"
    from plaza.data.operations import RESERVED_NAMES

    taken = base in RESERVED_NAMES or Dataset.objects.filter(jurisdiction=source.jurisdiction, name=base).exists()
    return f"{base}-{hashlib.sha256(remote.remote_id.encode()).hexdigest()[:8]}" if taken else base


def _write(source: HarvestSource, remote: RemoteDataset, dataset: Dataset | None) -> Dataset:
    from plaza.data.operations import DatasetFields, _write_dataset, record_version

    fields = DatasetFields(
        name=dataset.name if dataset else _local_name(source, remote),
        title=remote.title, description=remote.description, organization=source.organization,
        licence_id=remote.licence_id, contact_name=remote.contact_name or source.title,
        contact_email=remote.contact_email, state=Dataset.State.PUBLIC, keywords=list(remote.keywords),
        frequency=dataset.frequency if dataset else Frequency.UNKNOWN, spatial=dataset.spatial if dataset else "",
    )  # fmt: skip
    dataset = dataset or Dataset(jurisdiction=source.jurisdiction)
    _write_dataset(dataset, fields, None)
    dataset.resources.all().delete()
    Resource.objects.bulk_create(
        [
            Resource(
                jurisdiction=source.jurisdiction,
                dataset=dataset,
                name=r.name,
                description=r.description,
                format=r.format or "HTML",
                url=r.url,
                position=i,
            )  # fmt: skip
            for i, r in enumerate(remote.resources)
        ]
    )
    record_version(dataset, None)
    index_object(dataset)
    return dataset


def copy_dataset(source: HarvestSource, remote: RemoteDataset) -> str:
    """Create or update the local copy in its own transaction: "created", "updated" or "unchanged"."""
    fingerprint = remote.fingerprint()
    with transaction.atomic():
        link = (
            HarvestedDataset.objects.select_for_update()
            .select_related("dataset")
            .filter(source=source, remote_id=remote.remote_id)
            .first()
        )
        if link is not None and link.fingerprint == fingerprint:
            return "unchanged"
        dataset = _write(source, remote, link.dataset if link else None)
        if link is None:
            HarvestedDataset.objects.create(
                jurisdiction=source.jurisdiction, source=source, remote_id=remote.remote_id, dataset=dataset,
                fingerprint=fingerprint,
            )  # fmt: skip
            return "created"
        HarvestedDataset.objects.filter(pk=link.pk).update(fingerprint=fingerprint, harvested_at=timezone.now())
        return "updated"


@dataclass
class HarvestOutcome:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)


def harvest(
    source: HarvestSource, remotes: list[RemoteDataset], progress: Callable[[int, int], None]
) -> HarvestOutcome:
    outcome = HarvestOutcome()
    for number, remote in enumerate(remotes, 1):
        try:
            change = copy_dataset(source, remote)
        except (ValidationError, ValueError) as refused:
            outcome.failed.append({"remote_id": remote.remote_id, "error": str(refused)[:300]})
        else:
            if change == "unchanged":
                outcome.unchanged += 1
            else:
                getattr(outcome, change).append(remote.title)
        progress(number, len(remotes))
    return outcome


def record_run(run: HarvestRun, outcome: HarvestOutcome) -> None:
    HarvestRun.objects.filter(pk=run.pk).update(
        created=outcome.created, updated=outcome.updated, unchanged=outcome.unchanged, failed=outcome.failed,
        finished_at=timezone.now(),
    )  # fmt: skip
    HarvestSource.objects.filter(pk=run.source_id).update(last_run_at=timezone.now())
