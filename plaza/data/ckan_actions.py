"""The CKAN actions Plaza answers: package_*, organization_*, group_list, tag_list, resource_show, status_show."""

import json
import re

from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from plaza.data import datastore, datastore_sql, queries
from plaza.data.ckan import (
    ACTIONS,
    CKAN_VERSION,
    MAX_ROWS,
    CkanError,
    Site,
    action,
    boolean,
    by_id_or_name,
    group_dict,
    integer,
    invalid,
    not_found,
    organization_dict,
    package_dict,
    package_dicts,
    required,
    resource_dict,
)
from plaza.data.models import Dataset, DatasetKeyword, DatasetTheme

FQ_TERM = re.compile(r'(?P<field>[\w.]+):(?:"(?P<quoted>[^"]*)"|(?P<bare>\S+))')
FQ_FIELDS = {  # CKAN's filter field -> the catalogue facet it narrows
    "organization": "organization",
    "tags": "keyword",
    "res_format": "format",
    "license_id": "licence",
    "groups": "theme",
}
SORTS = {
    "metadata_modified desc": ("-modified_at", "pk"),
    "metadata_modified asc": ("modified_at", "pk"),
    "metadata_created desc": ("-created_at", "pk"),
    "metadata_created asc": ("created_at", "pk"),
    "title_string asc": ("title", "pk"),
    "title_string desc": ("-title", "pk"),
    "name asc": ("name", "pk"),
    "name desc": ("-name", "pk"),
}


@action
def status_show(site: Site, params: dict) -> dict:
    """The portal's name and the CKAN API level it answers."""
    name = site.jurisdiction.name if site.jurisdiction else "Plaza"
    return {
        "ckan_version": CKAN_VERSION,
        "site_title": _("%(name)s open data") % {"name": name},
        "site_url": site.url("/"),
        "site_description": "",
        "locale_default": site.jurisdiction.default_language if site.jurisdiction else "en",
        "extensions": [],
    }


@action
def help_show(site: Site, params: dict) -> str:
    """What an action does."""
    found = ACTIONS.get(required(params, "name"))
    if found is None:
        raise not_found()
    return found.__doc__ or ""


@action
def package_list(site: Site, params: dict) -> list[str]:
    """The short names of the public datasets (limit, offset)."""
    limit = integer(params, "limit", MAX_ROWS, low=1, high=MAX_ROWS)
    offset = integer(params, "offset", 0)
    return list(site.datasets().order_by("name", "pk").values_list("name", flat=True)[offset : offset + limit])


@action
def package_show(site: Site, params: dict) -> dict:
    """One public dataset, by id or short name."""
    found = by_id_or_name(site.datasets(), required(params, "id"))
    if found is None:
        raise not_found()
    return package_dict(site, found)


@action
def resource_show(site: Site, params: dict) -> dict:
    """One resource of a public dataset, by id."""
    key = required(params, "id")
    for dataset in site.datasets().filter(resources__uuid=_uuid(key)):
        resource = queries.resource_of(dataset, key)
        if resource is not None:
            return resource_dict(site, resource, dataset)
    raise not_found()


def _uuid(key: str):
    import uuid

    try:
        return uuid.UUID(key)
    except ValueError:
        raise not_found() from None


def _filters(params: dict) -> queries.Filters:
    values = {}
    for match in FQ_TERM.finditer(str(params.get("fq", "") or "")):
        field = match["field"].lstrip("+")
        if field not in FQ_FIELDS:
            raise invalid(
                "fq",
                _("Cannot filter on %(field)s: use %(fields)s.") % {"field": field, "fields": ", ".join(FQ_FIELDS)},
            )
        value = match["quoted"] if match["quoted"] is not None else match["bare"]
        values[FQ_FIELDS[field]] = value.upper() if field == "groups" else value
    q = str(params.get("q", "") or "").strip()
    return queries.Filters(q="" if q in {"*:*", "*"} else q[:200], **values)


def _facet_fields(params: dict) -> list[str]:
    raw = params.get("facet.field", [])
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except ValueError:
            raise invalid("facet.field", _("Give a JSON list of field names.")) from None
    if not isinstance(raw, list) or any(f not in FQ_FIELDS for f in raw):
        raise invalid("facet.field", _("Facet on: %(fields)s.") % {"fields": ", ".join(FQ_FIELDS)})
    return raw


def _shaped_facets(counted: dict, fields: list[str]) -> tuple[dict, dict]:
    facets, search_facets = {}, {}
    for field in fields:
        items = counted[FQ_FIELDS[field]]
        name = (lambda v: v.lower()) if field == "groups" else (lambda v: v)
        facets[field] = {name(i.value): i.count for i in items}
        search_facets[field] = {
            "title": field,
            "items": [{"name": name(i.value), "display_name": i.label, "count": i.count} for i in items],
        }
    return facets, search_facets


def _page_of(site: Site, listing, start: int, rows: int) -> list[tuple[int, object]]:
    """The page's datasets as (id, modified_at): one light query, their dicts come from package_dicts."""
    if isinstance(listing, queries.RankedDatasets):
        chosen = listing.ids()[start : start + rows]
        modified = dict(site.datasets().filter(pk__in=chosen).order_by().values_list("pk", "modified_at"))
        return [(pk, modified[pk]) for pk in chosen if pk in modified]
    return list(listing.prefetch_related(None).values_list("pk", "modified_at")[start : start + rows])


@action
def package_search(site: Site, params: dict) -> dict:
    """Public datasets matching q and fq (organization:, tags:, res_format:, license_id:, groups:), with facets."""
    rows = integer(params, "rows", 10, high=MAX_ROWS)
    start = integer(params, "start", 0)
    limit = integer(params, "facet.limit", 50, low=-1, high=MAX_ROWS)
    filters, sort = _filters(params), str(params.get("sort", "") or "score desc, metadata_modified desc")
    candidates, ranked = queries.filtered(site.datasets(), filters), None
    datasets = candidates
    if filters.q:
        ranked = queries.ranked_documents(site.jurisdiction, filters.q, include_private=False)
        datasets = candidates.filter(pk__in=queries.words_of(ranked))
    first_key = sort.split(",")[0].strip()
    if first_key in SORTS:
        datasets, ranked = datasets.order_by(*SORTS[first_key]), None
    elif not first_key.startswith("score") and not first_key.startswith("relevance"):
        raise invalid("sort", _("Sort by one of: score desc, %(sorts)s.") % {"sorts": ", ".join(SORTS)})
    elif not filters.q:
        datasets = datasets.order_by(*SORTS["metadata_modified desc"])
    fields = _facet_fields(params)
    listing = queries.RankedDatasets(datasets, ranked, candidates) if ranked is not None else datasets
    facets, search_facets, count = {}, {}, None
    if fields:
        facet_limit = limit if limit > 0 else MAX_ROWS
        counted, count = queries.facets_and_count(datasets, facet_limit, jurisdictions=site.scope())
        facets, search_facets = _shaped_facets(counted, fields)
    if ranked is not None or count is None:
        count = listing.count()
    return {
        "count": count,
        "sort": sort,
        "facets": facets,
        "search_facets": search_facets,
        "results": package_dicts(site, _page_of(site, listing, start, rows)),
    }


def _organizations_counted(site: Site):
    public = Q(datasets__state=Dataset.State.PUBLIC)
    return site.organizations().annotate(package_count=Count("datasets", filter=public)).order_by("name", "pk")


@action
def organization_list(site: Site, params: dict) -> list:
    """Every publishing organisation's short name, or its details with all_fields."""
    limit = integer(params, "limit", MAX_ROWS, low=1, high=MAX_ROWS)
    offset = integer(params, "offset", 0)
    found = _organizations_counted(site)[offset : offset + limit]
    if boolean(params, "all_fields"):
        return [organization_dict(o, o.package_count) for o in found]
    return [o.name for o in found]


@action
def organization_show(site: Site, params: dict) -> dict:
    """One organisation, by id or short name (include_datasets adds its public datasets)."""
    found = by_id_or_name(_organizations_counted(site), required(params, "id"))
    if found is None:
        raise not_found()
    shaped = organization_dict(found, found.package_count)
    shaped["users"] = []
    if boolean(params, "include_datasets"):
        datasets = site.datasets().filter(organization=found)[:MAX_ROWS]
        shaped["packages"] = [package_dict(site, d) for d in datasets]
    return shaped


@action
def group_list(site: Site, params: dict) -> list:
    """The data themes (CKAN groups) used by public datasets."""
    themes = DatasetTheme.objects.with_scopes_disabled().filter(dataset__in=site.datasets().order_by().values("pk"))
    counted = themes.values("code").annotate(n=Count("dataset", distinct=True)).order_by("code")
    if boolean(params, "all_fields"):
        return [group_dict(row["code"], row["n"]) for row in counted]
    return [row["code"].lower() for row in counted]


@action
def tag_list(site: Site, params: dict) -> list:
    """The keywords (CKAN tags) of public datasets, optionally starting with `query`."""
    keywords = DatasetKeyword.objects.with_scopes_disabled().filter(dataset__in=site.datasets().order_by().values("pk"))
    query = str(params.get("query", "") or "").strip()
    if query:
        keywords = keywords.filter(name__istartswith=query)
    names = keywords.order_by("name").values_list("name", flat=True).distinct()
    if boolean(params, "all_fields"):
        from plaza.data.ckan import tag_dict

        return [tag_dict(n) for n in names]
    return list(names)


DATASTORE_MAX_LIMIT = 32000  # CKAN's ckan.datastore.search.rows_max default


def _json_param(params: dict, name: str, kind: type):
    raw = params.get(name)
    if raw in (None, ""):
        return kind()
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if kind is dict or raw.lstrip().startswith("[") else raw
        except ValueError:
            raise invalid(name, _("Give a JSON object.")) from None
    if kind is list and isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    if not isinstance(raw, kind):
        raise invalid(name, _("Give a JSON object.") if kind is dict else _("Give a list of column names."))
    return raw


def _datastore_sort(params: dict) -> list[tuple[str, bool]]:
    sort = params.get("sort", "") or ""
    keys = sort if isinstance(sort, list) else str(sort).split(",")
    ordered = []
    for key in keys:
        words = str(key).strip().strip('"').split()
        if not words:
            continue
        descending = len(words) > 1 and words[-1].lower() == "desc"
        column = " ".join(words[:-1]) if len(words) > 1 and words[-1].lower() in {"asc", "desc"} else " ".join(words)
        ordered.append((column.strip('"'), descending))
    return ordered


def _whole_number(params: dict, name: str) -> int | None:
    """CKAN's int_validator: absent or blank is None, a whole number (any sign) or its text is kept, else refused."""
    raw = params.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, int | str) and not isinstance(raw, bool):
        try:
            return int(raw)
        except ValueError:
            pass
    raise invalid(name, _("Invalid integer"))


@action
def datastore_search(site: Site, params: dict) -> dict:
    """Rows of a public resource loaded in the datastore: filters, q, sort, limit, offset, fields, include_total,
    total_estimation_threshold."""
    key = required(params, "resource_id")
    table = queries.public_datastore(site.scope(), _uuid(key))
    if table is None:
        raise not_found(_("Resource “%(id)s” was not found.") % {"id": key})
    q = params.get("q", "") or ""
    if isinstance(q, str) and q.lstrip().startswith("{"):
        q = _json_param(params, "q", dict)
    query = datastore.DatastoreQuery(
        filters=_json_param(params, "filters", dict),
        q=q if isinstance(q, dict) else str(q).strip()[:200],
        sort=_datastore_sort(params),
        limit=integer(params, "limit", 100, high=DATASTORE_MAX_LIMIT),
        offset=integer(params, "offset", 0),
        fields=_json_param(params, "fields", list),
        include_total=str(params.get("include_total", "true")).lower() not in {"false", "0", "no"},
        total_estimation_threshold=_whole_number(params, "total_estimation_threshold"),
    )
    try:
        records, total, fields = datastore.search(table, query)
    except datastore.DatastoreQueryError as refused:
        raise invalid(refused.parameter, refused.message) from None
    start = site.request.path.rsplit("/", 1)[0] + f"/datastore_search?resource_id={key}"
    result = {
        "resource_id": key,
        "fields": fields,
        "records": records,
        "limit": query.limit,
        "offset": query.offset,
        "include_total": query.include_total,
        "records_format": "objects",
        "total_estimation_threshold": query.total_estimation_threshold,
        "_links": {"start": start, "next": f"{start}&offset={query.offset + query.limit}"},
    }
    if total is not None:
        result.update(total=total.count, total_was_estimated=total.estimated)
    for name in ("filters", "q", "sort"):
        if params.get(name):
            result[name] = params[name]
    return result


@action
def datastore_search_sql(site: Site, params: dict) -> dict:
    """One read-only SELECT over public datastore tables, named by resource id: `SELECT * FROM "<id>" …`."""
    sql = required(params, "sql")
    try:
        query = datastore_sql.parse(sql)
        names = datastore_sql.resource_ids(datastore_sql.table_names(query))
        tables = queries.public_datastores(site.scope(), names.values())
        by_name = {}
        for name, resource_id in names.items():
            if str(resource_id) not in tables:
                raise datastore_sql.SqlRefused("authorization", datastore_sql.not_readable(name))
            by_name[name] = tables[str(resource_id)]
        result = datastore_sql.run(datastore_sql.rewrite(query, by_name, connection.vendor), by_name)
    except datastore_sql.SqlRefused as refused:
        if refused.kind == "authorization":
            raise CkanError("Authorization Error", 403, refused.message) from None
        raise invalid("query", refused.message) from None
    answer = {"sql": sql, "records": result.records, "fields": result.fields}
    if result.truncated:
        answer["records_truncated"] = True
    return answer


__all__ = ["ACTIONS", "CkanError"]
