"""Back office: processes, their phases, the components they switch on and the phase × component grid."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plaza.core.forms.backoffice import (
    ComponentAddForm,
    ComponentEditForm,
    PhaseForm,
    ProcessForm,
    ReasonForm,
    StepGridForm,
)
from plaza.core.models import ComponentInstance, Phase, Process
from plaza.core.operations import processes as operations
from plaza.core.queries import backoffice as queries
from plaza.core.queries import processes as process_queries
from plaza.core.views.backoffice.access import backoffice_view
from plaza.core.views.backoffice.flow import render_form_page, submitted

TEMPLATES = "core/backoffice/processes/"


def _process(request, slug: str) -> Process:
    try:
        return queries.process_to_manage(request.jurisdiction, slug)
    except Process.DoesNotExist as missing:
        raise Http404("No such process.") from missing


def _phase(process: Process, pk: int) -> Phase:
    found = queries.phases_of(process).filter(pk=pk).first()
    if found is None:
        raise Http404("No such phase.")
    return found


def _component(process: Process, pk: int) -> ComponentInstance:
    found = queries.components_of(process).filter(pk=pk).first()
    if found is None:
        raise Http404("No such component.")
    return found


def _to_process(process: Process):
    return redirect("core:manage_process", jurisdiction=process.jurisdiction.slug, process=process.slug)


@backoffice_view("processes")
def process_list(request, jurisdiction):
    processes = process_queries.processes_for_admin(request.jurisdiction)
    return render(request, TEMPLATES + "list.html", {"processes": processes})


@backoffice_view("processes")
def process_create(request, jurisdiction):
    form = ProcessForm(request.POST or None)
    created = []

    def create(data):
        created.append(operations.create_process(actor=request.user, jurisdiction=request.jurisdiction, **data))

    if submitted(request, form, create):
        messages.success(request, _("The process is created, as a draft."))
        return _to_process(created[0])
    return render_form_page(request, TEMPLATES + "form.html", {"form": form, "process": None})


@backoffice_view("processes")
def process_edit(request, jurisdiction, process):
    found = _process(request, process)
    initial = {name: getattr(found, name) for name in ("title", "subtitle", "description", "start_date", "end_date")}
    form = ProcessForm(request.POST or None, initial=initial, editing=True)
    if submitted(request, form, lambda data: operations.update_process(actor=request.user, process=found, **data)):
        messages.success(request, _("The process is saved."))
        return _to_process(found)
    context = {
        "form": form,
        "process": found,
        "phases": queries.phases_of(found),
        "components": queries.components_of(found),
    }
    return render_form_page(request, TEMPLATES + "edit.html", context)


@require_POST
@backoffice_view("processes")
def process_publish(request, jurisdiction, process):
    found = _process(request, process)
    published = request.POST.get("published") == "1"
    operations.publish_process(actor=request.user, process=found, published=published)
    messages.success(request, _("The process is published.") if published else _("The process is now a draft."))
    return _to_process(found)


@backoffice_view("processes")
def phase_create(request, jurisdiction, process):
    found = _process(request, process)
    form = PhaseForm(request.POST or None, time_zone=request.jurisdiction.time_zone)
    if submitted(request, form, lambda data: operations.add_phase(actor=request.user, process=found, **data)):
        messages.success(request, _("The phase is added."))
        return _to_process(found)
    return render_form_page(request, TEMPLATES + "phase_form.html", {"form": form, "process": found, "phase": None})


@backoffice_view("processes")
def phase_edit(request, jurisdiction, process, phase):
    found = _process(request, process)
    current = _phase(found, phase)
    initial = {name: getattr(current, name) for name in ("title", "description", "starts_at", "ends_at")}
    form = PhaseForm(request.POST or None, initial=initial, time_zone=request.jurisdiction.time_zone)
    if submitted(request, form, lambda data: operations.update_phase(actor=request.user, phase=current, **data)):
        messages.success(request, _("The phase is saved."))
        return _to_process(found)
    context = {"form": form, "process": found, "phase": current}
    return render_form_page(request, TEMPLATES + "phase_form.html", context)


@backoffice_view("processes")
def phase_delete(request, jurisdiction, process, phase):
    found = _process(request, process)
    current = _phase(found, phase)
    form = ReasonForm(request.POST or None, required=False)
    if submitted(request, form, lambda data: operations.delete_phase(actor=request.user, phase=current, **data)):
        messages.success(request, _("The phase is deleted."))
        return _to_process(found)
    context = {"form": form, "process": found, "phase": current}
    return render_form_page(request, TEMPLATES + "phase_delete.html", context)


@backoffice_view("processes")
def component_create(request, jurisdiction, process):
    found = _process(request, process)
    form = ComponentAddForm(request.POST or None)
    if submitted(request, form, lambda data: operations.add_component(actor=request.user, process=found, **data)):
        messages.success(request, _("The component is switched on."))
        return _to_process(found)
    context = {"form": form, "process": found, "component": None}
    return render_form_page(request, TEMPLATES + "component_form.html", context)


@backoffice_view("processes")
def component_edit(request, jurisdiction, process, component):
    found = _process(request, process)
    current = _component(found, component)
    initial = {"title": current.title, "is_published": current.is_published}
    form = ComponentEditForm(request.POST or None, initial=initial)

    def update(data):
        operations.update_component(actor=request.user, component=current, **data)

    if submitted(request, form, update):
        messages.success(request, _("The component is saved."))
        return _to_process(found)
    context = {"form": form, "process": found, "component": current}
    return render_form_page(request, TEMPLATES + "component_form.html", context)


@backoffice_view("processes")
def steps(request, jurisdiction, process):
    found = _process(request, process)
    phases, components = list(queries.phases_of(found)), list(queries.components_of(found))
    form = StepGridForm(request.POST or None, phases=phases, components=components, steps=queries.steps_of(found))

    def save(_data):
        cells = [operations.StepSetting(*cell) for cell in form.settings()]
        operations.set_component_steps(actor=request.user, process=found, steps=cells)

    if submitted(request, form, save):
        messages.success(request, _("What each phase allows is saved."))
        return _to_process(found)
    return render_form_page(request, TEMPLATES + "steps.html", {"form": form, "process": found})
