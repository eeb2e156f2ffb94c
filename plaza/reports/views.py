"""Civic report pages: the list and map, reporting (with the nearby check), a report, the staff inbox and set-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plaza.core.geo import Point, map_context
from plaza.core.geocoding import nearest_address
from plaza.core.models import Role
from plaza.core.permissions import has_role
from plaza.reports import charts, forms, forwarding, operations, queries, stats
from plaza.reports.models import OriginalPhoto, Status
from plaza.reports.permissions import departments_of, is_report_staff, may_handle
from plaza.reports.workflow import REOPENABLE, next_statuses

PAGE_SIZE = 50
# A filter the figures cannot count (fixed, closed...) is counted up to this many (an index range, not 1,000,000
# rows); past it the list says "more than" and pages through the newest ones.
LIST_COUNT_CAP = 10_000


class CountedPaginator(Paginator):
    """A paginator told its count (from the aggregates) instead of running COUNT(*) over a million reports."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count

    def page(self, number):
        """The rows of the page whatever the count says: figures that lag the table never hide a report."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


def _add_errors(form, error: ValidationError) -> None:
    """An operation's refusal, shown next to its field (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def report_list(request, jurisdiction):
    j = request.jurisdiction
    status, category, area = (request.GET.get(k, "") for k in ("status", "category", "area"))
    found = queries.listed_reports(j, status=status, category=category, area=area)
    known = stats.counted_reports(j, status=status, category=category, area=area)
    capped = known is None  # a status the figures do not count: count up to a cap, never all the rows
    if capped:
        known = found.order_by()[: LIST_COUNT_CAP + 1].count()
    page = CountedPaginator(found, PAGE_SIZE, count=known).get_page(request.GET.get("page"))
    page.object_list = queries.list_rows(j, page.object_list)
    return render(
        request,
        "reports/list.html",
        {
            "page": page,
            "map": map_context(
                page.object_list, name=lambda r: f"#{r.pk} {r.category.name}", url="url", map_id="reports-map"
            ),
            "categories": queries.categories(j),
            "areas": queries.areas(j),
            "statuses": Status.choices,
            "filters": {"status": status, "category": category, "area": area},
            "more_than": LIST_COUNT_CAP if capped and known > LIST_COUNT_CAP else None,
            "stats": queries.report_stats(j),
            "is_staff": is_report_staff(request.user, j),
            "component": queries.reports_component(j),
        },
    )


def _send_report(request, component, data):
    """Signed in: the report is published now. Otherwise it waits for the link mailed to the address given."""
    point, address = data["location"]
    common = {
        "component": component,
        "category": data["category"],
        "description": data["description"],
        "point": point,
        "address": address,
        "is_anonymous": data["is_anonymous"],
        "photos": data["photos"],
    }
    if request.user.is_authenticated:
        report = operations.submit_report(actor=request.user, **common)
        return redirect(report.get_absolute_url())
    pending = operations.request_report_by_email(
        email=data["email"], language=translation.get_language() or "", **common
    )
    return render(request, "reports/check_email.html", {"pending": pending, "hours": operations.confirm_hours()})


def new_report(request, jurisdiction):
    j = request.jurisdiction
    component = queries.reports_component(j)
    categories = list(queries.categories(j))
    with_email = not request.user.is_authenticated and component is not None
    with_email = with_email and operations.email_reporting_allowed(component)
    if request.method == "POST":
        form = forms.ReportForm(
            request.POST, request.FILES, categories=categories, with_email=with_email, jurisdiction=j
        )
        if form.is_valid() and component is not None:
            try:
                return _send_report(request, component, form.cleaned_data)
            except ValidationError as refused:
                _add_errors(form, refused)
            except PermissionDenied as refused:
                form.add_error(None, str(refused))
        return _new_page(request, component, categories, None, form, status=400)
    asked = "category" in request.GET or "location" in request.GET  # ?lang= alone is not a check
    check = forms.CheckNearbyForm(request.GET if asked else None, categories=categories, jurisdiction=j)
    report_form = forms.ReportForm(initial=request.GET.dict(), categories=categories, with_email=with_email)
    return _new_page(request, component, categories, check, report_form)


def confirm_report(request, jurisdiction, token):
    """The link mailed to someone without an account: a button publishes the report (a GET changes nothing,
    so mail scanners that open links publish nothing)."""
    if request.method == "POST":
        try:
            report = operations.confirm_report_by_email(jurisdiction=request.jurisdiction, token=token)
        except ValidationError as refused:
            return render(request, "reports/confirm.html", {"error": " ".join(refused.messages)}, status=400)
        messages.success(request, _("Thank you: your report is published."))
        return redirect(report.get_absolute_url())
    return render(request, "reports/confirm.html", {"token": token})


def reopen_by_link(request, jurisdiction, token):
    """The link mailed to someone who reported with only an e-mail address, once their report is fixed or closed:
    a form to say why the problem is still there (a GET changes nothing)."""
    try:
        report = operations.report_for_reopen_link(request.jurisdiction, token)
    except ValidationError as refused:
        return render(request, "reports/reopen_link.html", {"error": " ".join(refused.messages)}, status=400)
    form = forms.ReopenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            operations.reopen_report_by_link(
                jurisdiction=request.jurisdiction, token=token, reason=form.cleaned_data["reason"]
            )
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("Thank you: your report is open again and its department is told."))
            return redirect(report.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, "reports/reopen_link.html", {"report": report, "form": form}, status=status)


def _new_page(request, component, categories, check, report_form, status=200):
    nearby = None
    if check is not None and check.is_bound and not check.is_valid():
        status = 400
    elif check is not None and check.is_bound:
        point, _address = check.cleaned_data["location"]
        nearby = queries.nearby_open(request.jurisdiction, check.cleaned_data["category"], point) if point else []
    context = {
        "component": component,
        "check": check or forms.CheckNearbyForm(categories=categories, initial=request.POST.dict()),
        "form": report_form,
        "nearby": nearby,
        "nearby_map": map_context(
            [r for r, _m in nearby or []], name=lambda r: f"#{r.pk} {r.category.name}", map_id="nearby-map"
        ),
        "has_categories": bool(categories),
    }
    return render(request, "reports/new.html", context, status=status)


def _report_or_404(request, report_id):
    report = queries.report_by_id(request.jurisdiction, report_id)
    if report is None:
        raise Http404(_("No such report."))
    return report


def _nearest(jurisdiction, report) -> tuple[str, int] | None:
    if report.latitude is None:
        return None
    return nearest_address(jurisdiction, Point(report.latitude, report.longitude))


def _detail(request, report, status=200, **bound):
    staff = may_handle(request.user, report)
    context = {
        "report": report,
        "photos": queries.photos(report) if staff or not report.hidden_reason else [],
        "timeline": queries.timeline(report, include_internal=staff),
        "may_handle": staff,
        "supported": queries.has_supported(report, request.user),
        "may_reopen": request.user.is_authenticated
        and report.reporter_id == request.user.pk
        and report.status in REOPENABLE,
        "map": map_context([report], name=lambda r: f"#{r.pk} {r.category.name}", map_id="report-map"),
        # A point picked on the map or typed as coordinates: the nearest address the gazetteer knows.
        "nearest_address": None if report.address else _nearest(request.jurisdiction, report),
        "reopen_form": bound.get("reopen_form") or forms.ReopenForm(),
    }
    if staff:
        context["originals"] = queries.photos_with_original(report)
        context["status_form"] = bound.get("status_form") or forms.StatusForm(statuses=next_statuses(report.status))
        context["assign_form"] = bound.get("assign_form") or forms.AssignForm(
            staff=queries.department_staff(report), initial={"assignee": report.assignee_id or ""}
        )
        context["note_form"] = bound.get("note_form") or forms.NoteForm(templates=queries.templates_for(report))
        if report.is_open:
            context["merge_form"] = bound.get("merge_form") or forms.MergeForm()
    return render(request, "reports/detail.html", context, status=status)


def report_detail(request, jurisdiction, report):
    return _detail(request, _report_or_404(request, report))


def original_photo(request, jurisdiction, report, photo):
    """A photo as the resident sent it (EXIF location included): the handling staff only, each read audited."""
    try:
        original = operations.open_original_photo(
            actor=request.user, report=_report_or_404(request, report), attachment_id=photo
        )
    except OriginalPhoto.DoesNotExist as missing:
        raise Http404(_("This photo has no original kept.")) from missing
    response = FileResponse(
        original.file.open("rb"),
        as_attachment=True,
        filename=original.attachment.original_name,
        content_type=original.mime_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@require_POST
def support(request, jurisdiction, report):
    found = _report_or_404(request, report)
    try:
        operations.support_report(actor=request.user, report=found)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect(found.get_absolute_url())


def _staff_post(request, report_id, form_class, key, run, form_options):
    report = _report_or_404(request, report_id)
    if not may_handle(request.user, report):
        raise PermissionDenied(
            _("Only the %(department)s department handles this report.") % {"department": report.department}
        )
    form = form_class(request.POST, **form_options(report))
    if form.is_valid():
        try:
            run(report, form.cleaned_data)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            return redirect(report.get_absolute_url())
    return _detail(request, report, status=400, **{key: form})


@require_POST
def change_status(request, jurisdiction, report):
    return _staff_post(
        request,
        report,
        forms.StatusForm,
        "status_form",
        lambda r, d: operations.change_status(
            actor=request.user, report=r, status=d["status"], close_reason=d["close_reason"], note=d["note"]
        ),
        lambda r: {"statuses": next_statuses(r.status)},
    )


@require_POST
def assign(request, jurisdiction, report):
    return _staff_post(
        request,
        report,
        forms.AssignForm,
        "assign_form",
        lambda r, d: operations.assign_report(actor=request.user, report=r, assignee=d["assignee"]),
        lambda r: {"staff": queries.department_staff(r)},
    )


@require_POST
def add_note(request, jurisdiction, report):
    return _staff_post(
        request,
        report,
        forms.NoteForm,
        "note_form",
        lambda r, d: operations.add_note(
            actor=request.user, report=r, body=d["body"], is_public=d["is_public"], template=d["template"]
        ),
        lambda r: {"templates": queries.templates_for(r)},
    )


def _merge(request, report, data):
    original = queries.report_by_id(request.jurisdiction, data["original"])
    if original is None:
        raise ValidationError({"original": _("There is no report #%(id)s here.") % {"id": data["original"]}})
    operations.merge_duplicate(actor=request.user, duplicate=report, original=original, note=data["note"])


@require_POST
def merge(request, jurisdiction, report):
    return _staff_post(request, report, forms.MergeForm, "merge_form", lambda r, d: _merge(request, r, d), lambda r: {})


@require_POST
def reopen(request, jurisdiction, report):
    found = _report_or_404(request, report)
    form = forms.ReopenForm(request.POST)
    if form.is_valid():
        try:
            operations.reopen_report(actor=request.user, report=found, reason=form.cleaned_data["reason"])
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            return redirect(found.get_absolute_url())
    return _detail(request, found, status=400, reopen_form=form)


@login_required
def inbox(request, jurisdiction):
    j = request.jurisdiction
    admin = has_role(request.user, j, Role.ADMIN)
    departments = None if admin else departments_of(request.user, j)
    if not admin and not departments:
        raise PermissionDenied(_("The inbox is for officials of a department."))
    status = request.GET.get("status", "open")
    page = Paginator(queries.inbox(j, departments, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/inbox.html",
        {
            "page": page,
            "departments": departments,
            "status": status,
            "statuses": Status.choices,
            "is_admin": admin,
        },
    )


def _admin_only(request):
    if not has_role(request.user, request.jurisdiction, Role.ADMIN):
        raise PermissionDenied(_("Only the jurisdiction's admins set up civic reports."))


def _category_forms(request, all_categories) -> dict:
    posted = request.POST.get("form")
    return {
        "category": forms.CategoryForm(request.POST if posted == "category" else None),
        "template": forms.TemplateForm(request.POST if posted == "template" else None, categories=all_categories),
        "destination": forms.DestinationForm(
            request.POST if posted == "destination" else None, categories=all_categories
        ),
    }


def _save_category_form(request, name: str, form) -> None:
    if name == "category":
        operations.save_category(actor=request.user, jurisdiction=request.jurisdiction, **form.cleaned_data)
    elif name == "template":
        operations.add_answer_template(actor=request.user, **form.cleaned_data)
    else:
        forwarding.set_open311_destination(actor=request.user, **form.cleaned_data)


def manage_categories(request, jurisdiction):
    _admin_only(request)
    j = request.jurisdiction
    all_categories = list(queries.with_categories(j))
    bound = _category_forms(request, all_categories)
    if request.method == "POST":
        name, form = next(((n, f) for n, f in bound.items() if f.is_bound), (None, None))
        if form is not None and form.is_valid():
            try:
                _save_category_form(request, name, form)
            except ValidationError as refused:
                _add_errors(form, refused)
            else:
                return redirect("reports:manage_categories", jurisdiction=j.slug)
    return render(
        request,
        "reports/manage_categories.html",
        {
            "categories": all_categories,
            "category_form": bound["category"],
            "template_form": bound["template"],
            "destination_form": bound["destination"],
            "destinations": queries.destinations(j),
        },
        status=400 if request.method == "POST" else 200,
    )


def manage_areas(request, jurisdiction):
    _admin_only(request)
    j = request.jurisdiction
    form = forms.AreasForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.upload_areas(actor=request.user, jurisdiction=j, geojson=form.cleaned_data["geojson"])
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            return redirect("reports:manage_areas", jurisdiction=j.slug)
    return render(
        request,
        "reports/manage_areas.html",
        {"areas": queries.areas(j), "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _dashboard_context(request, *, mayor: bool) -> dict:
    j = request.jurisdiction
    figures = stats.dashboard(j, period=request.GET.get("period", "month"), with_departments=mayor)
    fmt = "Y-m-d" if figures["period"] == "week" else "Y-m"
    for row in figures["over_time"]:
        row["label"] = date_format(row["period"], fmt)
        row["resolved"] = row["fixed"] + row["closed"]
    return {
        "figures": figures,
        "mayor": mayor,
        "time_chart": charts.columns(figures["over_time"], label="label", series=("reported", "resolved")),
        "fix_chart": charts.horizontal(figures["by_category"], label="name", value="hours_to_fix", target="fix_target"),
        "ack_chart": charts.horizontal(
            figures["by_category"], label="name", value="hours_to_acknowledge", target="acknowledge_target"
        ),
        "overdue": stats.overdue(j) if mayor else [],
        "periods": [("month", _("per month")), ("week", _("per week"))],
    }


def dashboard(request, jurisdiction):
    """The residents' view: how fast the city answers, by category and area, over time."""
    return render(request, "reports/dashboard.html", _dashboard_context(request, mayor=False))


@login_required
def mayor_dashboard(request, jurisdiction):
    """The Mayor's view: the public figures, by department too, and the reports overdue now."""
    if not is_report_staff(request.user, request.jurisdiction):
        raise PermissionDenied(_("The responsiveness dashboard for staff is for officials and admins."))
    return render(request, "reports/dashboard.html", _dashboard_context(request, mayor=True))
