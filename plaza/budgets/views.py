"""Budgets pages: thin views over queries and operations; everything works without JavaScript."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plaza.budgets import operations, queries, rules
from plaza.budgets.forms import BoothBallotForm, BudgetForm, HeadingForm, ProjectForm, ProjectImageForm
from plaza.budgets.models import Budget, Project
from plaza.core.forms.backoffice import add_operation_errors
from plaza.core.forms.booths import BoothForm, BoothTotalForm
from plaza.core.geo import map_context
from plaza.core.markdown import render_markdown
from plaza.core.models import Role
from plaza.core.permissions import has_role

REASONS = {
    rules.SELECTED: _("Funded"),
    rules.DID_NOT_FIT: _("Not funded: did not fit in the money left"),
    rules.SHARE_EXHAUSTED: _("Not funded: its voters' equal shares were used up"),
    rules.NO_SUPPORT: _("Not funded: no votes"),
}


def _is_admin(request) -> bool:
    return has_role(request.user, request.jurisdiction, Role.ADMIN)


def _budget(request, slug: str) -> Budget:
    return queries.budget_page(request.jurisdiction, slug, include_unpublished=_is_admin(request))


def _heading(budget: Budget, slug: str):
    heading = next((h for h in queries.headings_of(budget) if h.slug == slug), None)
    if heading is None:
        raise Http404
    return heading


def budget_list(request, jurisdiction):
    is_admin = _is_admin(request)
    budgets = queries.budgets_of(request.jurisdiction, include_unpublished=is_admin)
    return render(request, "budgets/budget_list.html", {"budgets": budgets, "can_create": is_admin})


def budget_detail(request, jurisdiction, budget):
    budget = _budget(request, budget)
    headings = queries.headings_of(budget)
    chosen = next((h for h in headings if h.slug == request.GET.get("heading")), None)
    feasibility = request.GET.get("feasibility", "")
    if feasibility not in Project.Feasibility.values:
        feasibility = ""
    context = {
        "budget": budget,
        "description": render_markdown(budget.description),
        "headings": headings,
        "chosen": chosen,
        "feasibility": feasibility,
        "feasibilities": Project.Feasibility.choices,
        "can_manage": operations.is_budget_admin(request.user, budget),
        "can_review": operations.is_valuator(request.user, request.jurisdiction),
        "can_record": budget.phase == Budget.Phase.BALLOTING
        and operations.is_poll_officer(request.user, request.jurisdiction),
        "booths": queries.booths_of(budget),  # read only while balloting
    }
    projects = list(queries.projects_of(budget, heading=chosen, feasibility=feasibility))
    context["projects"] = projects
    # The listed projects that have a place, drawn with core's map (the list below it works without JavaScript).
    context["map"] = map_context([p for p in projects if p.latitude is not None], map_id="budget-projects-map")
    return render(request, "budgets/budget.html", context)


def project_detail(request, jurisdiction, budget, project):
    budget = _budget(request, budget)
    project = queries.project_page(budget, project)
    message = ""
    if request.method == "POST":
        try:
            operations.support_project(actor=request.user, project=project)
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(getattr(error, "messages", [str(error)]))
        else:
            return redirect(project.get_absolute_url())
    context = {
        "budget": budget,
        "project": project,
        "description": render_markdown(project.description),
        "message": message,
        "is_valuator": operations.is_valuator(request.user, request.jurisdiction),
        "can_add_images": request.user.is_authenticated
        and (request.user.pk == project.author_id or operations.is_budget_admin(request.user, budget)),
        "map": map_context([project] if project.latitude is not None else [], map_id="project-map"),
    }
    return render(request, "budgets/project.html", context, status=400 if message else 200)


@login_required
def project_images(request, jurisdiction, budget, project):
    """The author (or an admin) adds an image; a refused file is said next to the field, nothing kept."""
    budget = _budget(request, budget)
    project = queries.project_page(budget, project)
    if project.author_id != request.user.pk and not operations.is_budget_admin(request.user, budget):
        raise PermissionDenied(_("Only the project's author or the budget's admins can add images."))
    form = ProjectImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.add_project_image(actor=request.user, project=project, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            return redirect(project.get_absolute_url() + "#images")
    context = {"budget": budget, "project": project, "form": form}
    return render(request, "budgets/project_images.html", context, status=400 if request.method == "POST" else 200)


@login_required
def project_new(request, jurisdiction, budget):
    """A resident or an organisation submits a project while the budget accepts them."""
    budget = _budget(request, budget)
    headings = queries.headings_of(budget)
    form = ProjectForm(request.POST or None, headings=headings)
    refused = False
    if request.method == "POST":
        refused = True
        if form.is_valid():
            data, point = form.cleaned_data, form.cleaned_data.get("location")
            try:
                project = operations.submit_project(
                    actor=request.user,
                    budget=budget,
                    heading=next(h for h in headings if h.pk == data["heading"]),
                    title=data["title"],
                    description=data["description"],
                    estimated_cost=data["estimated_cost"],
                    organisation=data["organisation"],
                    location=data["place"],
                    latitude=point.latitude if point else None,
                    longitude=point.longitude if point else None,
                    sdgs=data["sdgs"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, messages in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, messages)
                else:
                    form.add_error(None, error.messages)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                return redirect(project.get_absolute_url())
    context = {
        "budget": budget,
        "form": form,
        "is_open": budget.phase == Budget.Phase.ACCEPTING,
        "jurisdiction": request.jurisdiction,
        "map_tiles": getattr(settings, "PLAZA_MAP_TILES", ""),
    }
    return render(request, "budgets/project_new.html", context, status=400 if refused else 200)


@login_required
def budget_manage(request, jurisdiction, budget):
    """Admins move the budget from phase to phase (finishing it computes the results)."""
    budget = _budget(request, budget)
    _require_budget_admin(request, budget)
    error = ""
    if request.method == "POST":
        try:
            operations.set_phase(actor=request.user, budget=budget, phase=request.POST.get("phase", ""))
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return redirect(request.path + "?moved=1")
    context = {
        "budget": budget,
        "phases": Budget.Phase.choices,
        "error": error,
        "moved": request.GET.get("moved") == "1",
    }
    return render(request, "budgets/manage.html", context, status=400 if error else 200)


def _require_budget_admin(request, budget: Budget) -> None:
    if not operations.is_budget_admin(request.user, budget):
        raise PermissionDenied(_("Only the budget's admins can do this."))


def _refused(form, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
    else:
        add_operation_errors(form, error)


@login_required
def budget_new(request, jurisdiction):
    """A jurisdiction admin sets up a new budget with its first headings."""
    if not _is_admin(request):
        raise PermissionDenied(_("Only the jurisdiction's admins can do this."))
    form = BudgetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            budget = operations.create_budget(
                actor=request.user, jurisdiction=request.jurisdiction, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            return redirect("budgets:headings", jurisdiction=request.jurisdiction.slug, budget=budget.slug)
    return render(request, "budgets/budget_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def budget_settings(request, jurisdiction, budget):
    budget = _budget(request, budget)
    _require_budget_admin(request, budget)
    form = BudgetForm(request.POST or None, budget=budget)
    if request.method == "POST" and form.is_valid():
        try:
            operations.update_budget(actor=request.user, budget=budget, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            return redirect(request.path + "?saved=1")
    context = {"form": form, "budget": budget, "saved": request.GET.get("saved") == "1"}
    return render(request, "budgets/budget_form.html", context, status=400 if form.errors else 200)


@login_required
def heading_list(request, jurisdiction, budget):
    """The budget's headings with their money, and a form to add one."""
    budget = _budget(request, budget)
    _require_budget_admin(request, budget)
    form = HeadingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.add_heading(actor=request.user, budget=budget, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            return redirect(request.path + "?added=1")
    headings = queries.headings_of(budget)
    context = {
        "budget": budget,
        "headings": headings,
        "form": form,
        "allocated": sum((h.amount for h in headings), Decimal(0)),
        "added": request.GET.get("added") == "1",
        "removed": request.GET.get("removed") == "1",
    }
    return render(request, "budgets/headings.html", context, status=400 if form.errors else 200)


@login_required
def heading_edit(request, jurisdiction, budget, heading):
    """Change a heading's name or money, or remove it."""
    budget = _budget(request, budget)
    _require_budget_admin(request, budget)
    heading = _heading(budget, heading)
    form = HeadingForm(
        request.POST if "save" in request.POST else None, initial={"name": heading.name, "amount": heading.amount}
    )
    back = reverse("budgets:headings", kwargs={"jurisdiction": request.jurisdiction.slug, "budget": budget.slug})
    problems = []
    if "remove" in request.POST:
        try:
            operations.remove_heading(actor=request.user, heading=heading)
        except (ValidationError, PermissionDenied) as error:
            problems = list(getattr(error, "messages", [str(error)]))
        else:
            return redirect(back + "?removed=1")
    elif form.is_bound and form.is_valid():
        try:
            operations.update_heading(actor=request.user, heading=heading, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            return redirect(back)
    context = {"budget": budget, "heading": heading, "form": form, "problems": problems}
    return render(request, "budgets/heading_form.html", context, status=400 if request.method == "POST" else 200)


@login_required
def review_queue(request, jurisdiction, budget):
    """The valuators' queue: the budget's projects not reviewed yet, oldest first, then the reviewed ones."""
    if not operations.is_valuator(request.user, request.jurisdiction):
        raise PermissionDenied
    budget = _budget(request, budget)
    projects = list(queries.projects_of(budget).order_by("created_at", "pk"))
    context = {
        "budget": budget,
        "pending": [p for p in projects if p.feasibility == Project.Feasibility.PENDING],
        "reviewed": [p for p in projects if p.feasibility != Project.Feasibility.PENDING],
    }
    return render(request, "budgets/review_queue.html", context)


@login_required
def project_review(request, jurisdiction, budget, project):
    budget = _budget(request, budget)
    project = queries.project_page(budget, project)
    if not operations.is_valuator(request.user, request.jurisdiction):
        raise PermissionDenied
    errors = {}
    if request.method == "POST":
        try:
            operations.review_project(
                actor=request.user,
                project=project,
                feasible=request.POST.get("feasibility") == "feasible",
                reason=request.POST.get("reason", ""),
                official_cost=request.POST.get("official_cost") or None,
                duration_months=int(request.POST["duration_months"])
                if request.POST.get("duration_months", "").isdigit()
                else None,
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        else:
            return redirect(project.get_absolute_url())
    context = {"budget": budget, "project": project, "errors": errors, "values": request.POST}
    return render(request, "budgets/review.html", context, status=400 if errors else 200)


def _posted_choices(request, budget: Budget, offered, name: str = "project") -> dict[int, int]:
    ids = {p.pk for p in offered}
    if budget.ballot_kind in (Budget.BallotKind.KNAPSACK, Budget.BallotKind.APPROVAL):
        return {int(pk): 1 for pk in request.POST.getlist(name) if pk.isdigit() and int(pk) in ids}
    choices = {}
    for pk in ids:
        value = request.POST.get(f"value-{pk}", "").strip()
        if value.isdigit() and int(value) > 0:
            choices[pk] = int(value)
    return choices


def ballot(request, jurisdiction, budget, heading):
    """The ballot for one heading. "Update" recomputes the money left on the server; "Save" casts or edits."""
    budget = _budget(request, budget)
    heading = _heading(budget, heading)
    offered = list(operations.ballot_projects(heading))
    person = operations.person_of(request.user, request.jurisdiction)
    existing = queries.ballot_of(budget, person)
    choices = queries.ballot_choices(existing, heading)
    errors, saved = [], request.GET.get("saved") == "1"
    if request.method == "POST":
        choices = _posted_choices(request, budget, offered)
        if "save" in request.POST:
            revision = request.POST.get("revision", "")
            try:
                operations.cast_ballot(
                    actor=request.user,
                    budget=budget,
                    heading=heading,
                    choices=choices,
                    revision=int(revision) if revision.isdigit() else None,
                )
            except (ValidationError, PermissionDenied) as error:
                errors = list(getattr(error, "messages", [str(error)]))
            else:
                return redirect(request.path + "?saved=1")
    spent = sum((p.cost for p in offered if p.pk in choices), Decimal(0))
    context = {
        "budget": budget,
        "heading": heading,
        "offered": [(p, choices.get(p.pk)) for p in offered],
        "spent": spent,
        "left": heading.amount - spent,
        "over": spent > heading.amount and budget.ballot_kind == Budget.BallotKind.KNAPSACK,
        "revision": existing.revision if existing else "",
        "errors": errors,
        "saved": saved,
        "is_open": budget.phase == Budget.Phase.BALLOTING,
    }
    return render(request, "budgets/ballot.html", context, status=400 if errors else 200)


@login_required
def booth(request, jurisdiction, budget):
    """A poll officer records a person's paper ballot: census check, then the choices of every heading."""
    if not operations.is_poll_officer(request.user, request.jurisdiction):
        raise PermissionDenied(_("Only poll officers can record ballots at a booth."))
    budget = _budget(request, budget)
    headings = queries.headings_of(budget)
    offered = queries.ballot_projects_by_heading(budget, headings)
    booths = queries.booths_of(budget)
    form = BoothBallotForm(request.POST or None, booths=booths, initial={"booth": request.GET.get("booth", "")})
    choices = {h.pk: _posted_choices(request, budget, offered[h.pk], f"project-{h.pk}") for h in headings}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operations.cast_at_booth(
                officer=request.user,
                budget=budget,
                booth=data["booth"],
                document_id=data["document_id"],
                birth_date=data["date_of_birth"],
                postal_code=data["postal_code"],
                choices=choices,
            )
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            return render(request, "budgets/booth_done.html", {"budget": budget, "booth": data["booth"]})
    context = {
        "budget": budget,
        "form": form,
        "headings": [(h, [(p, choices[h.pk].get(p.pk)) for p in offered[h.pk]]) for h in headings],
        "is_open": budget.phase == Budget.Phase.BALLOTING,
        "has_booths": booths.exists(),
    }
    return render(request, "budgets/booth.html", context, status=400 if request.method == "POST" else 200)


@login_required
def booth_totals(request, jurisdiction, budget):
    """A poll officer reports the number of ballots a booth took in a day, for the admins to reconcile."""
    if not operations.is_poll_officer(request.user, request.jurisdiction):
        raise PermissionDenied(_("Only poll officers can report a booth's totals."))
    budget = _budget(request, budget)
    booths = queries.booths_of(budget)
    form = BoothTotalForm(request.POST or None, booths=booths)
    if request.method == "POST" and form.is_valid():
        try:
            operations.report_booth_total(officer=request.user, budget=budget, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _refused(form, error)
        else:
            return redirect(request.path + "?reported=1")
    context = {
        "budget": budget,
        "form": form,
        "has_booths": booths.exists(),
        "reported": request.GET.get("reported") == "1",
        "can_manage": operations.is_budget_admin(request.user, budget),
    }
    return render(request, "budgets/booth_totals.html", context, status=400 if request.method == "POST" else 200)


@login_required
def booths(request, jurisdiction, budget):
    """The budget's admins set up its booths and reconcile officers' day totals with the ballots recorded."""
    budget = _budget(request, budget)
    _require_budget_admin(request, budget)
    adding = "remove" not in request.POST
    form = BoothForm(request.POST if adding else None)
    problems = []
    if request.method == "POST":
        try:
            if adding:
                if form.is_valid():
                    operations.add_booth(actor=request.user, budget=budget, name=form.cleaned_data["name"])
                    return redirect(request.path + "?added=1")
            else:
                booth = queries.booths_of(budget).filter(pk=_digits(request.POST["remove"])).first()
                if booth is None:
                    raise Http404
                operations.remove_booth(actor=request.user, budget=budget, booth=booth)
                return redirect(request.path + "?removed=1")
        except (ValidationError, PermissionDenied) as error:
            if adding:
                _refused(form, error)
            else:
                problems = list(getattr(error, "messages", [str(error)]))
    context = {
        "budget": budget,
        "form": form,
        "booths": queries.booths_of(budget),
        "rows": queries.booth_reconciliation(budget),
        "problems": problems,
        "added": request.GET.get("added") == "1",
        "removed": request.GET.get("removed") == "1",
    }
    failed = request.method == "POST"
    return render(request, "budgets/booths.html", context, status=400 if failed else 200)


def _digits(value: str) -> int:
    return int(value) if value.isdigit() else 0


def results(request, jurisdiction, budget, heading):
    budget = _budget(request, budget)
    heading = _heading(budget, heading)
    rule = request.GET.get("rule", budget.rule)
    if rule not in rules.RULES:
        rule = budget.rule
    rows = queries.results_of(budget, heading, rule)
    spent = sum((r.project.cost for r in rows if r.selected), Decimal(0))
    top = max((r.votes for r in rows), default=0) or 1
    context = {
        "budget": budget,
        "heading": heading,
        "rule": rule,
        "rules": Budget.Rule.choices,
        "rows": [(r, REASONS.get(r.reason, r.reason), round(100 * r.votes / top)) for r in rows],
        "spent": spent,
        "finished": budget.phase == Budget.Phase.FINISHED,
    }
    return render(request, "budgets/results.html", context)


def pb_file(request, jurisdiction, budget, heading):
    budget = _budget(request, budget)
    if budget.phase != Budget.Phase.FINISHED:
        raise Http404
    heading = _heading(budget, heading)
    response = HttpResponse(operations.export_pb(heading), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{budget.slug}-{heading.slug}.pb"'
    return response
