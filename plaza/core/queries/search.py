"""Searching the index: the same words found, in the same order, on SQLite (FTS5) and PostgreSQL.

Both databases see the folded text (`plaza.core.search.fold`) and match every word of the
query as a word prefix (words of three letters or more) or an exact word; titles weigh more
than bodies. Tenancy: a jurisdiction's search reads only its own documents; the network
search reads public documents of every active jurisdiction, and says so.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from plaza.core.models import Jurisdiction, SearchDocument
from plaza.core.search import fold
from plaza.core.tenancy import across_jurisdictions

MAX_TERMS = 12
PREFIX_FROM = 3  # shorter words match exactly: a one-letter prefix would match everything
# SQLite's FTS5 table (migration `search_index`), matched with bound parameters only.
SQLITE_MATCHING = "SELECT rowid FROM core_searchdocument_fts WHERE core_searchdocument_fts MATCH %s"
SQLITE_RANK = (
    "SELECT -bm25(core_searchdocument_fts, 10.0, 1.0) FROM core_searchdocument_fts"
    " WHERE core_searchdocument_fts MATCH %s AND core_searchdocument_fts.rowid = core_searchdocument.id"
)
# Title words weigh 'A', body words 'B'; ts_rank takes weights in the order {D, C, B, A}.
PG_WEIGHTS = [0.1, 0.2, 0.4, 1.0]


@dataclass(frozen=True)
class TypeFacet:
    value: str  # "app_label.model", the ?type= parameter
    label: str
    count: int


def query_terms(text: str) -> list[str]:
    return fold(text).split()[:MAX_TERMS]


def _sqlite_match(terms: list[str]) -> str:
    return " ".join(f'"{t}"*' if len(t) >= PREFIX_FROM else f'"{t}"' for t in terms)


def _postgres_tsquery(terms: list[str]) -> str:
    return " & ".join(f"{t}:*" if len(t) >= PREFIX_FROM else t for t in terms)


def _ranked(documents: QuerySet, terms: list[str]) -> QuerySet:
    vendor = connection.vendor
    if vendor == "sqlite":
        match = _sqlite_match(terms)
        matching = RawSQL(SQLITE_MATCHING, (match,))  # noqa: S611 - constant SQL, bound parameter
        rank = RawSQL(SQLITE_RANK, (match,))  # noqa: S611 - constant SQL, bound parameter
        return documents.filter(id__in=matching).annotate(rank=rank)
    if vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        # `search_vector` is kept by a trigger (migration `search_vector`) under a GIN index.
        query = SearchQuery(_postgres_tsquery(terms), search_type="raw", config="simple")
        return documents.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query, weights=PG_WEIGHTS)
        )
    # Any other database: every word in the title or the body, titles first.
    for term in terms:
        documents = documents.filter(Q(folded_title__contains=term) | Q(folded_body__contains=term))
    return documents.annotate(rank=Value(0.0))


def of_type(documents: QuerySet, content_type: str) -> QuerySet:
    """Only documents of one kind of content, named "app_label.model" (e.g. "core.process")."""
    app_label, _dot, model = content_type.partition(".")
    return documents.filter(content_type__app_label=app_label, content_type__model=model)


def _search(documents: QuerySet, text: str, content_type: str = "") -> QuerySet:
    terms = query_terms(text)
    if not terms:
        return documents.none()
    if content_type:
        documents = of_type(documents, content_type)
    return (
        _ranked(documents, terms)
        .select_related("jurisdiction", "content_type")
        .defer("search_vector")  # the words of the whole text: never shown
        .order_by("-rank", "-updated_at", "id")
    )


def search_jurisdiction(
    jurisdiction: Jurisdiction, text: str, *, content_type: str = "", include_private: bool = False
) -> QuerySet[SearchDocument]:
    """Documents of one jurisdiction matching `text`, best first (private ones only for its officials)."""
    documents = SearchDocument.objects.with_scope(jurisdiction=jurisdiction)
    if not include_private:
        documents = documents.filter(is_public=True)
    return _search(documents, text, content_type)


def search_network(text: str, *, content_type: str = "") -> QuerySet[SearchDocument]:
    """Public documents of every active jurisdiction matching `text`, best first."""
    with across_jurisdictions():
        documents = SearchDocument.objects.filter(is_public=True, jurisdiction__is_active=True)
        return _search(documents, text, content_type)


def type_facets(results: QuerySet[SearchDocument]) -> list[TypeFacet]:
    """How many results of each kind of content, to filter by (one query)."""
    rows = results.order_by().values("content_type").annotate(count=Count("id")).values_list("content_type", "count")
    facets = []
    for content_type_id, count in rows:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None:
            facets.append(TypeFacet(model._meta.label_lower, str(model._meta.verbose_name_plural).capitalize(), count))
    return sorted(facets, key=lambda f: f.label)
