"""Reads of the portal shared by pages, the CKAN API, DCAT, exports and the JSON API."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language

from plaza.core.models import Jurisdiction, Verification
from plaza.core.queries import search as core_search
from plaza.core.tenancy import across_jurisdictions
from plaza.data.access import visible_filter
from plaza.data.models import (
    Dataset,
    DatasetKeyword,
    DatasetRequest,
    DatasetTheme,
    DatasetVersion,
    DatastoreTable,
    HarvestRun,
    HarvestSource,
    Organization,
    Resource,
    UsageCount,
)
from plaza.data.vocabularies import Theme, licences

DATASET_TYPE = "data.dataset"
MAX_SEARCH_HITS = 5000  # a search keeps at most this many datasets, in order of relevance
FACET_CACHE_SECONDS = 300
FACET_FIELDS = ("organization", "theme", "format", "licence", "keyword")


@dataclass(frozen=True)
class Filters:
    """What a catalogue search asks for: words and one value per facet at most."""

    q: str = ""
    organization: str = ""
    theme: str = ""
    format: str = ""
    licence: str = ""
    keyword: str = ""

    def active(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FACET_FIELDS if getattr(self, f)}


@dataclass(frozen=True)
class FacetItem:
    value: str
    label: str
    count: int


def with_details(datasets: QuerySet) -> QuerySet:
    resources = Resource.objects.select_related("attachment", "jurisdiction", "datastore").order_by("position", "id")
    return datasets.select_related("organization", "jurisdiction").prefetch_related(
        "themes", "keywords", Prefetch("resources", queryset=resources)
    )


def visible_datasets(jurisdiction: Jurisdiction, user) -> QuerySet[Dataset]:
    """The datasets this user may see in the jurisdiction (public, plus their organisations' own)."""
    return Dataset.objects.with_scope(jurisdiction=jurisdiction).filter(visible_filter(user, jurisdiction))


def public_datasets(jurisdictions: list[Jurisdiction] | None = None) -> QuerySet[Dataset]:
    """Public datasets of the given jurisdictions, or of every active one (read across, explicitly)."""
    if jurisdictions is None:
        with across_jurisdictions():
            found = Dataset.objects.filter(state=Dataset.State.PUBLIC, jurisdiction__is_active=True)
    else:
        found = Dataset.objects.with_scope(jurisdiction=jurisdictions).filter(state=Dataset.State.PUBLIC)
    return with_details(found).order_by("jurisdiction__slug", "name")


def dataset_for(jurisdiction: Jurisdiction, user, name: str) -> Dataset | None:
    return with_details(visible_datasets(jurisdiction, user)).filter(name=name).first()


def ranked_documents(jurisdiction: Jurisdiction | None, text: str, *, include_private: bool) -> QuerySet:
    """The search documents of datasets matching the words through core's search index, best first."""
    if jurisdiction is None:
        return core_search.search_network(text, content_type=DATASET_TYPE)
    return core_search.search_jurisdiction(
        jurisdiction, text, content_type=DATASET_TYPE, include_private=include_private
    )


def words_of(documents: QuerySet) -> QuerySet:
    """Their datasets' ids as a subquery (unranked, unordered) to filter by: thousands of matches would
    otherwise travel as as many parameters, each prepared by Django and psycopg (25 ms of CPU for 1,900)."""
    return documents.order_by().values("object_id")


class RankedDatasets:
    """Datasets (a queryset, prefetches included) in search-relevance order for a paginator: one page fetched.

    Ordering in SQL by a CASE with one branch per matching id costs seconds once thousands of datasets match;
    instead one query ranks the matching documents of the `candidates` (the datasets the other filters
    keep), and only the page's datasets are read.
    """

    def __init__(self, datasets: QuerySet, documents: QuerySet, candidates: QuerySet):
        self.datasets, self.documents, self.candidates, self._ids = datasets, documents, candidates, None

    def ids(self) -> list[int]:
        if self._ids is None:
            kept = self.documents.filter(object_id__in=self.candidates.order_by().values("pk"))
            self._ids = list(kept.values_list("object_id", flat=True)[:MAX_SEARCH_HITS])
        return self._ids

    def count(self) -> int:
        return len(self.ids())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Dataset]:
        chosen = self.ids()[window]
        found = {d.pk: d for d in self.datasets.filter(pk__in=chosen).order_by()}  # with its prefetches
        return [found[pk] for pk in chosen if pk in found]


def filtered(datasets: QuerySet, filters: Filters) -> QuerySet:
    """The datasets matching every chosen facet value."""
    if filters.organization:
        jurisdiction, _slash, name = filters.organization.rpartition("/")
        datasets = datasets.filter(organization__name=name)
        if jurisdiction:  # the network's facet names an organisation as "<jurisdiction>/<organisation>"
            datasets = datasets.filter(jurisdiction__slug=jurisdiction)
    # A theme, format or keyword is asked of the dataset's own rows (EXISTS), not joined: a join repeats the
    # dataset once per matching row and needs DISTINCT, which sorts every match before the page can be cut.
    if filters.theme:
        datasets = datasets.filter(Exists(_of_dataset(DatasetTheme).filter(code=filters.theme)))
    if filters.format:
        datasets = datasets.filter(Exists(_of_dataset(Resource).filter(format__iexact=filters.format)))
    if filters.licence:
        datasets = datasets.filter(licence_id=filters.licence)
    if filters.keyword:
        datasets = datasets.filter(Exists(_of_dataset(DatasetKeyword).filter(name=filters.keyword)))
    return datasets


def _of_dataset(model) -> QuerySet:
    """The rows of `model` that belong to the outer dataset (already scoped to its jurisdictions)."""
    return model.objects.with_scopes_disabled().filter(dataset=OuterRef("pk"))


def _counts(datasets: QuerySet, path: str) -> list[tuple[str, int]]:
    ids = datasets.order_by().values("pk")
    rows = (
        Dataset.objects.with_scopes_disabled()  # restricted to `datasets`, already scoped, by id
        .filter(pk__in=ids)
        .exclude(**{f"{path}__isnull": True})
        .values(path)
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", path)
    )
    return [(row[path], row["n"]) for row in rows]


def catalogue_stamp(jurisdictions: list[Jurisdiction] | None) -> str:
    """What changes whenever a facet count of these jurisdictions' catalogues may change (one query).

    Every write to a dataset, its themes, keywords or resources saves the dataset (its `modified_at` moves), a
    deletion changes the count, and a jurisdiction closing changes the network's count: no invalidation to forget,
    and it holds across processes whatever the cache (a stale entry is never read, it only expires).
    """
    if jurisdictions is None:
        with across_jurisdictions():
            found = Dataset.objects.filter(jurisdiction__is_active=True)
    else:
        found = Dataset.objects.with_scope(jurisdiction=jurisdictions)
    stamp = found.order_by().aggregate(n=Count("pk"), latest=Max("modified_at"))
    latest = stamp["latest"].isoformat() if stamp["latest"] else "-"
    return f"{stamp['n']}:{latest}"


def facets(
    datasets: QuerySet, limit: int = 20, *, jurisdictions: list[Jurisdiction] | None | bool = False
) -> dict[str, list[FacetItem]]:
    """How many of `datasets` have each organisation, theme, format, licence and keyword.

    Counted in five grouped queries, then cached under the datasets' own SQL (filters, words, visibility) and the
    stamp of the `jurisdictions` they come from (None: the network), in the language of the labels;
    `jurisdictions=False` counts without a cache.
    """
    if jurisdictions is False:
        return _facets_counted(datasets, limit, network=False)
    network = jurisdictions is None
    counted = lambda: _facets_counted(datasets, limit, network=network)  # noqa: E731 - a deferred count
    return _stamped(datasets, ("facets", limit), jurisdictions, counted)


def facets_and_count(
    datasets: QuerySet, limit: int, *, jurisdictions: list[Jurisdiction] | None
) -> tuple[dict[str, list[FacetItem]], int]:
    """The facets and how many datasets match, cached together (package_search asks for both, every time)."""

    def counted():
        return _facets_counted(datasets, limit, network=jurisdictions is None), datasets.count()

    return _stamped(datasets, ("facets+count", limit), jurisdictions, counted)


def _stamped(datasets: QuerySet, what: tuple, jurisdictions: list[Jurisdiction] | None, compute):
    """`compute()`, cached under the datasets' SQL and the stamp of their catalogue (one query on a hit)."""
    sql, params = datasets.order_by().values("pk").query.sql_with_params()
    network = jurisdictions is None
    described = repr((what, sql, params, network, get_language(), catalogue_stamp(jurisdictions)))
    key = f"data:facets:{hashlib.sha256(described.encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, FACET_CACHE_SECONDS)
    return found


def _facets_counted(datasets: QuerySet, limit: int, *, network: bool) -> dict[str, list[FacetItem]]:
    themes, known_licences = dict(Theme.choices), licences()
    labels = {
        "theme": ("themes__code", lambda v: str(themes.get(v, v))),
        "format": ("resources__format", lambda v: v),
        "licence": ("licence_id", lambda v: known_licences[v].title if v in known_licences else v),
        "keyword": ("keywords__name", lambda v: v),
    }
    counted = {"organization": _organization_counts(datasets, network=network)[:limit]}
    for name, (path, label) in labels.items():
        counted[name] = [FacetItem(value, label(value), n) for value, n in _counts(datasets, path)[:limit]]
    return counted


def _organization_counts(datasets: QuerySet, *, network: bool) -> list[FacetItem]:
    """Datasets per publishing organisation, counted by its id (two queries); across the network an
    organisation is "<jurisdiction>/<name>", labelled with its jurisdiction (short names repeat there)."""
    counts = dict(_counts(datasets, "organization"))
    found = (
        Organization.objects.with_scopes_disabled()  # restricted to the counted ones, already scoped
        .filter(pk__in=counts)
        .select_related("jurisdiction")
        .only("name", "title", "jurisdiction__slug", "jurisdiction__name")
    )
    items = []
    for organization in found:
        if network:
            value = f"{organization.jurisdiction.slug}/{organization.name}"
            label = f"{organization.title} ({organization.jurisdiction.name})"
        else:
            value, label = organization.name, organization.title
        items.append(FacetItem(value, label, counts[organization.pk]))
    return sorted(items, key=lambda item: (-item.count, item.value))


def catalogue(
    jurisdiction: Jurisdiction, user, filters: Filters, *, include_private: bool
) -> tuple[QuerySet[Dataset], QuerySet[Dataset] | RankedDatasets]:
    """The matching datasets (for facets and counts) and their listing: by relevance with words, else newest first."""
    datasets = visible_datasets(jurisdiction, user)
    if not filters.q:
        found = filtered(datasets.order_by("-modified_at", "pk"), filters)
        return found, with_details(found)
    documents = ranked_documents(jurisdiction, filters.q, include_private=include_private)
    candidates = filtered(datasets, filters)
    found = candidates.filter(pk__in=words_of(documents))
    return found, RankedDatasets(with_details(found), documents, candidates)


def network_catalogue(filters: Filters) -> tuple[QuerySet[Dataset], QuerySet[Dataset] | RankedDatasets]:
    """Every active jurisdiction's public datasets (read across jurisdictions, explicitly) matching the filters."""
    with across_jurisdictions():  # the querysets (prefetches included) are built here, evaluated later
        datasets = Dataset.objects.filter(state=Dataset.State.PUBLIC, jurisdiction__is_active=True)
        if not filters.q:
            found = filtered(datasets.order_by("-modified_at", "pk"), filters)
            return found, with_details(found)
        documents = ranked_documents(None, filters.q, include_private=False)
        candidates = filtered(datasets, filters)
        found = candidates.filter(pk__in=words_of(documents))
        return found, RankedDatasets(with_details(found), documents, candidates)


def organizations_with_counts(jurisdiction: Jurisdiction) -> QuerySet[Organization]:
    return (
        Organization.objects.with_scope(jurisdiction=jurisdiction)
        .annotate(public_count=Count("datasets", filter=Q(datasets__state=Dataset.State.PUBLIC)))
        .order_by("title")
    )


def versions_of(dataset: Dataset) -> QuerySet[DatasetVersion]:
    return DatasetVersion.objects.with_scope(jurisdiction=dataset.jurisdiction).filter(dataset=dataset)


def resource_of(dataset: Dataset, resource_uuid) -> Resource | None:
    return next((r for r in dataset.resources.all() if str(r.uuid) == str(resource_uuid)), None)


def portal_counts(jurisdiction: Jurisdiction) -> tuple[int, int]:
    """How many public datasets and resources of public datasets the jurisdiction has."""
    datasets = Dataset.objects.with_scope(jurisdiction=jurisdiction).filter(state=Dataset.State.PUBLIC).count()
    resources = (
        Resource.objects.with_scope(jurisdiction=jurisdiction).filter(dataset__state=Dataset.State.PUBLIC).count()
    )
    return datasets, resources


def public_datastore(jurisdictions: list[Jurisdiction] | None, resource_uuid) -> DatastoreTable | None:
    """The loaded table of a public dataset's resource, in these jurisdictions or any active one."""
    if jurisdictions is None:
        tables = DatastoreTable.objects.with_scopes_disabled()  # the network API reads every jurisdiction
    else:
        tables = DatastoreTable.objects.with_scope(jurisdiction=jurisdictions)
    return (
        tables.select_related("resource__dataset")
        .filter(
            resource__uuid=resource_uuid,
            status=DatastoreTable.Status.ACTIVE,
            resource__dataset__state=Dataset.State.PUBLIC,
            resource__dataset__jurisdiction__is_active=True,
        )
        .first()
    )


def public_datastores(jurisdictions: list[Jurisdiction] | None, resource_uuids) -> dict[str, DatastoreTable]:
    """The loaded tables of public datasets' resources among these ids (as strings), in one query."""
    if jurisdictions is None:
        tables = DatastoreTable.objects.with_scopes_disabled()  # the network API reads every jurisdiction
    else:
        tables = DatastoreTable.objects.with_scope(jurisdiction=jurisdictions)
    found = tables.select_related("resource").filter(
        resource__uuid__in=list(resource_uuids),
        status=DatastoreTable.Status.ACTIVE,
        resource__dataset__state=Dataset.State.PUBLIC,
        resource__dataset__jurisdiction__is_active=True,
    )
    return {str(table.resource.uuid): table for table in found}


def datastore_of(resource: Resource) -> DatastoreTable | None:
    """The resource's datastore table, whatever its state (the resource was already found visible)."""
    try:
        return resource.datastore
    except DatastoreTable.DoesNotExist:
        return None


def dataset_requests(
    jurisdiction: Jurisdiction, status: str = "", *, include_hidden: bool = False
) -> QuerySet[DatasetRequest]:
    """The jurisdiction's requests, most supported first (`include_hidden`: also those a moderator hid when blocking
    their author, for the request's own page, which shows the reason in their place)."""
    found = DatasetRequest.objects.with_scope(jurisdiction=jurisdiction).select_related(
        "organization", "dataset", "jurisdiction"
    )
    if not include_hidden:
        found = found.filter(hidden_reason="")
    return found.filter(status=status) if status else found


def dataset_request(
    jurisdiction: Jurisdiction, request_id: int, *, include_hidden: bool = False
) -> DatasetRequest | None:
    return dataset_requests(jurisdiction, include_hidden=include_hidden).filter(pk=request_id).first()


def answered_requests(dataset: Dataset) -> QuerySet[DatasetRequest]:
    """The requests a dataset answered, as its page lists them (not those a moderator hid)."""
    return DatasetRequest.objects.with_scope(jurisdiction=dataset.jurisdiction_id).filter(
        dataset=dataset, hidden_reason=""
    )


def supported_by(request: DatasetRequest, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    people = Verification.objects.with_scope(jurisdiction=request.jurisdiction).filter(user=user).values("person")
    return request.supports.filter(person__in=people).exists()


@dataclass(frozen=True)
class UsageDay:
    day: object
    views: int
    downloads: int


def _by_day(counts: QuerySet, since) -> list[UsageDay]:
    rows = counts.filter(day__gte=since).values("day", "kind").annotate(n=Sum("count")).order_by("day")
    days: dict = {}
    for row in rows:
        days.setdefault(row["day"], {"view": 0, "download": 0})[row["kind"]] = row["n"]
    return [UsageDay(day, kinds["view"], kinds["download"]) for day, kinds in days.items()]


def dataset_usage(dataset: Dataset, days: int = 30) -> dict:
    """A dataset's views and downloads per day over the last `days`, totals, and downloads per resource."""
    since = timezone.localdate() - timedelta(days=days - 1)
    counts = UsageCount.objects.with_scope(jurisdiction=dataset.jurisdiction).filter(dataset=dataset)
    per_day = _by_day(counts, since)
    per_resource = dict(
        counts.filter(kind=UsageCount.Kind.DOWNLOAD, resource__isnull=False)
        .values_list("resource")
        .annotate(n=Sum("count"))
    )
    return {
        "days": per_day,
        "views": sum(d.views for d in per_day),
        "downloads": sum(d.downloads for d in per_day),
        "per_resource": [(r, per_resource.get(r.pk, 0)) for r in dataset.resources.all()],
        "since": since,
    }


def portal_usage(jurisdiction: Jurisdiction, days: int = 30, top: int = 10) -> dict:
    """The portal's uses per day over the last `days` and its most used public datasets."""
    since = timezone.localdate() - timedelta(days=days - 1)
    counts = UsageCount.objects.with_scope(jurisdiction=jurisdiction).filter(dataset__state=Dataset.State.PUBLIC)
    per_day = _by_day(counts, since)
    ranked = (
        counts.filter(day__gte=since)
        .values("dataset__name", "dataset__title")
        .annotate(
            views=Sum("count", filter=Q(kind=UsageCount.Kind.VIEW)),
            downloads=Sum("count", filter=Q(kind=UsageCount.Kind.DOWNLOAD)),
            total=Sum("count"),
        )
        .order_by("-total", "dataset__title")[:top]
    )
    return {
        "days": per_day,
        "views": sum(d.views for d in per_day),
        "downloads": sum(d.downloads for d in per_day),
        "top": list(ranked),
        "since": since,
    }


def harvest_sources(jurisdiction: Jurisdiction) -> QuerySet:
    return HarvestSource.objects.with_scope(jurisdiction=jurisdiction).select_related("organization", "jurisdiction")


def recent_harvest_runs(jurisdiction: Jurisdiction, limit: int = 20) -> QuerySet:
    return HarvestRun.objects.with_scope(jurisdiction=jurisdiction).select_related("source", "job")[:limit]


def organization_for(jurisdiction: Jurisdiction, name: str) -> Organization | None:
    return (
        Organization.objects.with_scope(jurisdiction=jurisdiction)
        .select_related("jurisdiction")
        .filter(name=name)
        .first()
    )
