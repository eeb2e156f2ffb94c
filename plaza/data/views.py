"""The portal's pages: catalogue with facets, dataset, resource, versions and diff, publisher forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from plaza.core.permissions import Role, has_role
from plaza.core.queries.sdg import tags_of
from plaza.core.tenancy import across_jurisdictions
from plaza.core.views.backoffice.flow import render_form_page, submitted
from plaza.data import previews, queries
from plaza.data.access import is_member, member_organizations
from plaza.data.forms import (
    DatasetForm,
    DatasetRequestForm,
    HarvestSourceForm,
    OrganizationForm,
    RequestAnswerForm,
    ResourceForm,
)
from plaza.data.models import DatasetRequest, UsageCount
from plaza.data.operations import (
    add_resource,
    answer_request,
    count_use,
    create_dataset,
    create_harvest_source,
    create_organization,
    delete_harvest_source,
    queue_datastore_load,
    start_harvest,
    submit_request,
    support_request,
    update_dataset,
    update_harvest_source,
)
from plaza.data.versions import diff
from plaza.data.vocabularies import licences

PER_PAGE = 20
FACET_TITLES = {
    "organization": _("Organisation"),
    "theme": _("Theme"),
    "format": _("Format"),
    "licence": _("Licence"),
    "keyword": _("Keyword"),
}


def _filters(request) -> queries.Filters:
    values = {f: request.GET.get(f, "").strip()[:200] for f in ("q", *queries.FACET_FIELDS)}
    return queries.Filters(**values)


def _query(request, **changes) -> str:
    """The catalogue's current query string with some parameters changed (None removes one)."""
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


def _facet_links(request, facets: dict) -> list[tuple[str, list[tuple]]]:
    """Per facet: (item, link that chooses it or, when chosen, removes it, chosen?)."""
    links = []
    for name, items in facets.items():
        chosen = request.GET.get(name, "")
        rows = [
            (i, "?" + _query(request, **{name: None if i.value == chosen else i.value}), i.value == chosen)
            for i in items
        ]
        links.append((FACET_TITLES[name], rows))
    return links


def catalogue(request, jurisdiction):
    j, filters = request.jurisdiction, _filters(request)
    private = has_role(request.user, j, Role.ADMIN, Role.OFFICIAL)
    datasets, listing = queries.catalogue(j, request.user, filters, include_private=private)
    page = Paginator(listing, PER_PAGE).get_page(request.GET.get("page"))
    facets = queries.facets(datasets, jurisdictions=[j])
    context = {
        "themes": facets["theme"] if not (filters.q or filters.active()) else [],
        "page": page,
        "filters": filters,
        "may_publish": member_organizations(request.user, j).exists(),
        "facet_links": _facet_links(request, facets),
        "page_query": _query(request, page=None),
    }
    return render(request, "data/catalogue.html", context)


def network_catalogue(request):
    """The network's portal: public datasets of every jurisdiction, searchable with facets (an organisation is
    "<jurisdiction>/<name>" there: short names repeat across jurisdictions)."""
    filters = _filters(request)
    datasets, listing = queries.network_catalogue(filters)
    with across_jurisdictions():  # read across jurisdictions, explicitly: the page and its prefetches, here
        page = Paginator(listing, PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
    facets = queries.facets(datasets, jurisdictions=None)
    context = {
        "page": page,
        "filters": filters,
        "facet_links": _facet_links(request, facets),
        "page_query": _query(request, page=None),
    }
    return render(request, "data/network_catalogue.html", context)


def organizations(request, jurisdiction):
    context = {
        "organizations": queries.organizations_with_counts(request.jurisdiction),
        "is_admin": has_role(request.user, request.jurisdiction, Role.ADMIN),
    }
    return render(request, "data/organizations.html", context)


def organization_detail(request, jurisdiction, organization):
    found = queries.organization_for(request.jurisdiction, organization)
    if found is None:
        raise Http404("No such organisation.")
    datasets = queries.with_details(
        queries.visible_datasets(request.jurisdiction, request.user).filter(organization=found)
    ).order_by("title")
    page = Paginator(datasets, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organization": found,
        "page": page,
        "requests": queries.dataset_requests(request.jurisdiction).filter(organization=found)[:10],
        "may_publish": is_member(request.user, found),
    }
    return render(request, "data/organization.html", context)


def _dataset(request, name):
    dataset = queries.dataset_for(request.jurisdiction, request.user, name)
    if dataset is None:
        raise Http404("No such dataset.")
    return dataset


def dataset_detail(request, jurisdiction, dataset):
    found = _dataset(request, dataset)
    count_use(dataset=found, kind=UsageCount.Kind.VIEW)
    context = {
        "dataset": found,
        "usage": queries.dataset_usage(found),
        "answered_requests": queries.answered_requests(found),
        "licence": licences().get(found.licence_id),
        "sdg_tags": tags_of(found),
        "may_edit": is_member(request.user, found.organization),
    }
    return render(request, "data/dataset.html", context)


def resource_detail(request, jurisdiction, dataset, resource):
    found = _dataset(request, dataset)
    chosen = queries.resource_of(found, resource)
    if chosen is None:
        raise Http404("No such resource.")
    table = queries.datastore_of(chosen)
    context = {
        "dataset": found,
        "resource": chosen,
        "table": table,
        "may_edit": is_member(request.user, found.organization),
    }
    if table is not None and table.is_active:
        columns, numeric = previews.chart_columns(table)
        kind, x, y = (request.GET.get(k, "")[:200] for k in ("chart", "x", "y"))
        context.update(
            rows=previews.preview_page(table, request.GET.get("page")),
            columns=columns,
            numeric_columns=numeric,
            chart=previews.build_chart(table, kind, x, y) if kind else None,
            chart_choice={"chart": kind or "bar", "x": x, "y": y},
            map=previews.table_map(table),
            page_query=_query(request, page=None),
        )
    return render(request, "data/resource.html", context)


@require_POST
@login_required
def resource_reload(request, jurisdiction, dataset, resource):
    """A publisher loads the table again (the linked file changed, or the loader did): a background job."""
    found = _dataset(request, dataset)
    chosen = queries.resource_of(found, resource)
    if chosen is None:
        raise Http404("No such resource.")
    if not is_member(request.user, found.organization):
        raise PermissionDenied
    table = queue_datastore_load(actor=request.user, resource=chosen)
    messages.success(request, _("The table is being loaded again."))
    return redirect("core:job_detail", jurisdiction=request.jurisdiction.slug, job_id=table.job_id)


def versions(request, jurisdiction, dataset):
    found = _dataset(request, dataset)
    return render(request, "data/versions.html", {"dataset": found, "versions": queries.versions_of(found)})


def version_diff(request, jurisdiction, dataset):
    found = _dataset(request, dataset)
    kept = {v.number: v for v in queries.versions_of(found)}
    try:
        older, newer = kept[int(request.GET.get("from", ""))], kept[int(request.GET.get("to", ""))]
    except (KeyError, ValueError) as unknown:
        raise Http404("No such versions.") from unknown
    context = {"dataset": found, "older": older, "newer": newer, "changes": diff(older.snapshot, newer.snapshot)}
    return render(request, "data/diff.html", context)


@login_required
def dataset_new(request, jurisdiction):
    j = request.jurisdiction
    mine = member_organizations(request.user, j)
    if not mine.exists():
        raise PermissionDenied
    form = DatasetForm(request.POST or None, organizations=mine)
    created = []
    if submitted(
        request,
        form,
        lambda _: created.append(create_dataset(actor=request.user, jurisdiction=j, fields=form.dataset_fields())),
    ):
        return redirect(created[0].get_absolute_url())
    return render_form_page(request, "data/dataset_form.html", {"form": form, "dataset": None})


@login_required
def dataset_edit(request, jurisdiction, dataset):
    found = _dataset(request, dataset)
    if not is_member(request.user, found.organization):
        raise PermissionDenied
    goals = sorted({t.goal.number for t in tags_of(found)})
    initial = DatasetForm.initial_from(found, goals)
    form = DatasetForm(
        request.POST or None, initial=initial, organizations=member_organizations(request.user, found.jurisdiction)
    )
    if submitted(
        request, form, lambda _: update_dataset(actor=request.user, dataset=found, fields=form.dataset_fields())
    ):
        return redirect(found.get_absolute_url())
    return render_form_page(request, "data/dataset_form.html", {"form": form, "dataset": found})


@login_required
def resource_new(request, jurisdiction, dataset):
    found = _dataset(request, dataset)
    if not is_member(request.user, found.organization):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, request.FILES or None)
    added = []

    def add(data):
        added.append(add_resource(actor=request.user, dataset=found, **data))

    if submitted(request, form, add):
        # The resource page shows a table's loading state, its errors by row and column, or its preview.
        return redirect(added[0].get_absolute_url())
    return render_form_page(request, "data/resource_form.html", {"form": form, "dataset": found})


def resource_download(request, jurisdiction, dataset, resource):
    """Counts one download for the day (nobody's identity kept), then sends the browser to the file or link."""
    found = _dataset(request, dataset)
    chosen = queries.resource_of(found, resource)
    if chosen is None:
        raise Http404("No such resource.")
    count_use(dataset=found, resource=chosen, kind=UsageCount.Kind.DOWNLOAD)
    return redirect(chosen.download_url())


def usage_dashboard(request, jurisdiction):
    usage = queries.portal_usage(request.jurisdiction)
    return render(request, "data/usage.html", {"usage": usage})


# --- dataset requests -----------------------------------------------------------------------------


def requests_list(request, jurisdiction):
    status = request.GET.get("status", "")
    if status not in DatasetRequest.Status.values:
        status = ""
    page = Paginator(queries.dataset_requests(request.jurisdiction, status), PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": DatasetRequest.Status.choices}
    return render(request, "data/requests.html", context)


@login_required
def request_new(request, jurisdiction):
    j = request.jurisdiction
    form = DatasetRequestForm(request.POST or None, organizations=queries.organizations_with_counts(j))
    created = []

    def submit(data):
        created.append(submit_request(actor=request.user, jurisdiction=j, **data))

    if submitted(request, form, submit):
        messages.success(request, _("Thank you: your request is published and others can support it."))
        return redirect(created[0].get_absolute_url())
    return render_form_page(request, "data/request_form.html", {"form": form})


def _answer_form(request, found):
    if not member_organizations(request.user, request.jurisdiction).exists():
        return None
    datasets = queries.public_datasets([request.jurisdiction]).order_by("title")
    initial = {"status": found.status if found.status != DatasetRequest.Status.OPEN else "planned"}
    initial.update(answer=found.answer, dataset=found.dataset_id)
    return RequestAnswerForm(request.POST or None, initial=initial, datasets=datasets)


def request_detail(request, jurisdiction, request_id):
    found = queries.dataset_request(request.jurisdiction, request_id, include_hidden=True)
    if found is None:
        raise Http404("No such request.")
    form = None if found.hidden_reason else _answer_form(request, found)
    if form is not None and submitted(
        request, form, lambda data: answer_request(actor=request.user, request=found, **data)
    ):
        messages.success(request, _("Your answer is published."))
        return redirect(found.get_absolute_url())
    context = {"data_request": found, "form": form, "supported": queries.supported_by(found, request.user)}
    return render_form_page(request, "data/request.html", context)


@require_POST
@login_required
def request_support(request, jurisdiction, request_id):
    found = queries.dataset_request(request.jurisdiction, request_id)
    if found is None:
        raise Http404("No such request.")
    try:
        support_request(actor=request.user, request=found)
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", None) or [str(refused)]))
    else:
        messages.success(request, _("Thank you for your support."))
    return redirect(found.get_absolute_url())


# --- publisher back office: organisations and harvesting (admins) --------------------------------


def _require_admin(request) -> None:
    if not has_role(request.user, request.jurisdiction, Role.ADMIN):
        raise PermissionDenied


@login_required
def organization_new(request, jurisdiction):
    _require_admin(request)
    form = OrganizationForm(request.POST or None)

    def create(data):
        create_organization(actor=request.user, jurisdiction=request.jurisdiction, **data)

    if submitted(request, form, create):
        messages.success(request, _("The organisation is created; its officials can now publish for it."))
        return redirect("data:organizations", jurisdiction=request.jurisdiction.slug)
    return render_form_page(request, "data/organization_form.html", {"form": form})


@login_required
def harvesting(request, jurisdiction):
    _require_admin(request)
    j = request.jurisdiction
    form = HarvestSourceForm(request.POST or None, organizations=queries.organizations_with_counts(j))

    def create(data):
        create_harvest_source(actor=request.user, jurisdiction=j, **data)

    if submitted(request, form, create):
        messages.success(request, _("The catalogue is added. Harvest it now, or wait for the schedule."))
        return redirect("data:harvesting", jurisdiction=j.slug)
    context = {"form": form, "sources": queries.harvest_sources(j), "runs": queries.recent_harvest_runs(j)}
    return render_form_page(request, "data/harvesting.html", context)


def _source_of(request, source_id):
    _require_admin(request)
    source = queries.harvest_sources(request.jurisdiction).filter(pk=source_id).first()
    if source is None:
        raise Http404("No such source.")
    return source


@login_required
def harvest_source_edit(request, jurisdiction, source_id):
    source, j = _source_of(request, source_id), request.jurisdiction
    initial = {f: getattr(source, f) for f in ("title", "url", "kind", "organization", "frequency_hours")}
    form = HarvestSourceForm(request.POST or None, initial=initial, organizations=queries.organizations_with_counts(j))

    def update(data):
        update_harvest_source(actor=request.user, source=source, **data)

    if submitted(request, form, update):
        messages.success(request, _("The catalogue is changed."))
        return redirect("data:harvesting", jurisdiction=j.slug)
    return render_form_page(request, "data/harvest_source_form.html", {"form": form, "source": source})


@require_POST
@login_required
def harvest_source_delete(request, jurisdiction, source_id):
    source = _source_of(request, source_id)
    delete_harvest_source(actor=request.user, source=source)
    messages.success(request, _("The catalogue is no longer harvested; the datasets copied from it stay."))
    return redirect("data:harvesting", jurisdiction=request.jurisdiction.slug)


@require_POST
@login_required
def harvest_now(request, jurisdiction, source_id):
    _require_admin(request)
    source = queries.harvest_sources(request.jurisdiction).filter(pk=source_id).first()
    if source is None:
        raise Http404("No such source.")
    run = start_harvest(actor=request.user, source=source)
    return redirect("core:job_detail", jurisdiction=request.jurisdiction.slug, job_id=run.job_id)
