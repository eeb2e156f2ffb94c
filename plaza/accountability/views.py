"""Accountability's pages: plans, a plan, a commitment, the timeline, and the progress form."""

from functools import partial

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plaza.accountability import network, queries
from plaza.accountability.component import manifest
from plaza.accountability.forms import (
    AssessmentForm,
    CandidateDecisionForm,
    CommitmentEditForm,
    CommitmentForm,
    EvidenceForm,
    ForumMemberEditForm,
    ForumMemberForm,
    MeetingEditForm,
    MeetingForm,
    MeetingRemovalForm,
    MilestoneEditForm,
    MilestoneForm,
    PlanEditForm,
    PlanForm,
    PlanStatusForm,
    ProgressImportForm,
    ProgressUpdateForm,
    RemovalForm,
    ResultMilestoneEditForm,
    ResultMilestoneForm,
    ResultsImportForm,
    ResultUpdateForm,
)
from plaza.accountability.models import (
    ActionPlan,
    Candidate,
    CandidateDecision,
    Commitment,
    ForumMeeting,
    ForumMember,
    Milestone,
    OGPValue,
    PlanStatus,
    Result,
    ResultMilestone,
    Sector,
    Side,
)
from plaza.accountability.operations import (
    STATUS_ORDER,
    add_commitment_evidence,
    add_forum_member,
    add_milestone,
    add_result_milestone,
    add_result_photo,
    create_commitment,
    create_plan,
    decide_candidate,
    post_progress_update,
    record_assessment,
    record_meeting,
    remove_forum_member,
    remove_meeting,
    remove_result_milestone,
    set_plan_status,
    start_progress_import,
    start_results_import,
    update_commitment,
    update_forum_member,
    update_meeting,
    update_milestone,
    update_plan,
    update_result,
    update_result_milestone,
)
from plaza.accountability.signals import TOPIC
from plaza.core import fragments
from plaza.core.exports import FORMATS, export_response
from plaza.core.forms.backoffice import add_operation_errors
from plaza.core.markdown import render_markdown
from plaza.core.models import Job, Jurisdiction, Role
from plaza.core.permissions import has_role, is_network_staff

TIMELINE_LIMIT = 300
HISTORY_LIMIT = 10  # updates per milestone on the commitment page; the rest on the milestone's history pages
HISTORY_PAGE = 25


def _found(read, *args, what: str, **kwargs):
    """`read(*args, **kwargs)` (a query of queries.py), or 404 when there is no such thing here."""
    try:
        return read(*args, **kwargs)
    except ObjectDoesNotExist as missing:
        raise Http404(f"No such {what}.") from missing


def _plan(request, slug: str) -> ActionPlan:
    return _found(queries.plan, request.jurisdiction, slug, what="action plan")


def plan_list(request, jurisdiction=None):
    may_create = has_role(request.user, request.jurisdiction, Role.ADMIN)
    context = {
        "plans": queries.plans_of(request.jurisdiction),
        "may_create": may_create,
        "may_import": _is_official(request),
    }
    return render(request, "accountability/plans.html", context)


def plan_detail(request, jurisdiction, plan):
    found = _plan(request, plan)
    may_decide = has_role(request.user, found.jurisdiction, Role.ADMIN, Role.OFFICIAL)
    may_edit_plan = may_decide and has_role(request.user, found.jurisdiction, Role.ADMIN)
    feed = reverse("accountability:plan_feed", kwargs={"jurisdiction": jurisdiction, "plan": found.slug})

    def body() -> str:
        members = list(queries.forum_of(found))
        meetings, removed_meetings = queries.meeting_record(found)
        for meeting in meetings:
            meeting.minutes_html = render_markdown(meeting.minutes)
        context = {
            "jurisdiction": request.jurisdiction,
            "plan": found,
            "description": render_markdown(found.description),
            "members": members,
            "organisations": len({m.organisation for m in members if m.sector == Sector.CIVIL_SOCIETY}),
            "government_areas": len({m.organisation for m in members if m.sector == Sector.GOVERNMENT}),
            "meetings": meetings,
            "removed_meetings": removed_meetings,
            "commitments": queries.plan_commitments(found),
            "candidates": _by_decision(queries.candidates_of(found)),
            "may_decide": may_decide,
            "may_edit_plan": may_edit_plan,
            "feed": feed,
        }
        return render_to_string("accountability/includes/plan_body.html", context)

    piece = fragments.cached(TOPIC, "plan", (found.pk, may_decide, may_edit_plan), body)
    return render(request, "accountability/plan.html", {"plan": found, "feed": feed, "body": piece})


def commitment_detail(request, jurisdiction, plan, number):
    found = _plan(request, plan)
    commitment = _commitment(found, number)
    sides = queries.sides_for(request.user, found)
    may_post, may_edit = bool(sides), Side.GOVERNMENT in sides  # the government's side is the officials'

    def body() -> str:
        progress = _found(queries.commitment_progress, found, number, history_limit=HISTORY_LIMIT, what="commitment")
        queries.attach_files([progress.commitment])
        context = {
            "jurisdiction": request.jurisdiction,
            "plan": found,
            "commitment": progress.commitment,
            "progress": progress,
            "sdg_tags": queries.sdg_tags_of(progress.commitment),
            "may_post": may_post,
            "may_edit": may_edit,
            "timeline": sorted(progress.milestones, key=lambda m: (m.milestone.due_date, m.milestone.position)),
        }
        return render_to_string("accountability/includes/commitment_body.html", context)

    piece = fragments.cached(TOPIC, "commitment", (commitment.pk, may_post, may_edit), body)
    return render(request, "accountability/commitment.html", {"plan": found, "commitment": commitment, "body": piece})


def timeline(request, jurisdiction, plan):
    found = _plan(request, plan)
    updates = list(queries.progress_updates_of(request.jurisdiction, found)[:TIMELINE_LIMIT])
    events = [(u.created_at.date(), "update", u) for u in updates]
    events += [(m.held_on, "meeting", m) for m in queries.meetings_of(found)]
    events.sort(key=lambda event: event[0], reverse=True)
    may_correct = found.status != PlanStatus.CLOSED and _is_official(request)
    return render(
        request, "accountability/timeline.html", {"plan": found, "events": events, "may_correct": may_correct}
    )


def post_progress(request, jurisdiction, plan, number, position):
    found = _plan(request, plan)
    milestone = _found(queries.milestone, found, number, position, what="milestone")
    sides = queries.sides_for(request.user, found)
    if not sides:
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        raise PermissionDenied(
            _("Only the jurisdiction's officials and the plan's civil society partners report progress.")
        )
    form = ProgressUpdateForm(*_posted_data(request), sides=sides)
    if request.method == "POST" and form.is_valid() and _posted(request, form, milestone):
        return redirect(milestone.commitment.get_absolute_url() + f"#milestone-{milestone.position}")
    status = 400 if request.method == "POST" else 200
    context = {"plan": found, "milestone": milestone, "commitment": milestone.commitment, "form": form}
    return render(request, "accountability/progress_form.html", context, status=status)


def _posted(request, form: ProgressUpdateForm, milestone: Milestone) -> bool:
    data = form.cleaned_data
    try:
        post_progress_update(
            actor=request.user,
            milestone=milestone,
            side=data["side"],
            status=data["status"],
            percentage=data["percentage"],
            narrative=data["narrative"],
            links=data["links"],
            evidence=data.get("evidence"),
            evidence_title=data.get("evidence_title", ""),
        )
    except ValidationError as refused:
        add_operation_errors(form, refused)
        return False
    return True


def assessment_report(request, jurisdiction, plan):
    """The independent assessment of the plan: each commitment's current ratings, justification and history."""
    found = _plan(request, plan)
    assessments = queries.assessments_of(found)
    rows = [(item, assessments.get(item.commitment.pk, [])) for item in queries.plan_progress(found)]
    return render(
        request,
        "accountability/assessment_report.html",
        {
            "plan": found,
            "rows": rows,
            "may_assess": has_role(request.user, found.jurisdiction, Role.ASSESSOR),
        },
    )


def assess_commitment(request, jurisdiction, plan, number):
    found = _plan(request, plan)
    progress = _found(queries.commitment_progress, found, number, what="commitment")
    if not has_role(request.user, found.jurisdiction, Role.ASSESSOR):
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        raise PermissionDenied(_("Only the jurisdiction's independent assessors rate commitments."))
    commitment = progress.commitment
    history = queries.assessment_history(commitment)
    initial = {}
    if history:
        current = history[0]
        initial = {name: getattr(current, name) for name in AssessmentForm.base_fields}
    form = AssessmentForm(_posted_data(request)[0], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_assessment(actor=request.user, commitment=commitment, **form.cleaned_data)
        except ValidationError as refused:
            add_operation_errors(form, refused)
        else:
            return redirect(
                reverse("accountability:assessment", kwargs={"jurisdiction": jurisdiction, "plan": found.slug})
                + f"#commitment-{commitment.number}"
            )
    status = 400 if request.method == "POST" else 200
    context = {"plan": found, "commitment": commitment, "progress": progress, "form": form}
    return render(request, "accountability/assessment_form.html", context, status=status)


def export(request, jurisdiction, what, fmt):
    """/<j>/accountability/export/commitments.json and siblings: the manifest's exports, at the app's address."""
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    found = manifest.export(what)
    if found is None:
        raise Http404("No such export.")
    return export_response(found, request.jurisdiction, fmt, f"accountability-{what}")


def _by_decision(candidates: list[Candidate]) -> dict[str, list[Candidate]]:
    grouped = {value: [] for value in CandidateDecision.values}
    for candidate in candidates:
        grouped[candidate.decision].append(candidate)
    return grouped


def decide(request, jurisdiction, plan, candidate):
    found = _plan(request, plan)
    if not has_role(request.user, found.jurisdiction, Role.ADMIN, Role.OFFICIAL):
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        raise PermissionDenied(_("Only the jurisdiction's officials decide on candidate commitments."))
    chosen = next((c for c in queries.candidates_of(found) if c.pk == candidate), None)
    if chosen is None:
        raise Http404("No such candidate.")
    commitments = {item.commitment.number: item.commitment for item in queries.plan_progress(found)}
    initial = {"decision": chosen.decision, "reason": chosen.reason}
    if chosen.commitment:
        initial["commitment"] = chosen.commitment.number
    form = CandidateDecisionForm(_posted_data(request)[0], initial=initial, commitments=commitments.values())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decide_candidate(
                actor=request.user,
                candidate=chosen,
                decision=data["decision"],
                reason=data["reason"],
                commitment=commitments.get(data["commitment"]),
            )
        except ValidationError as refused:
            add_operation_errors(form, refused)
        else:
            return redirect(chosen.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accountability/candidate_form.html", {"plan": found, "candidate": chosen, "form": form}, status=status
    )


def _is_official(request) -> bool:
    return has_role(request.user, request.jurisdiction, Role.ADMIN, Role.OFFICIAL)


def _officials_only(request, message: str, roles=(Role.ADMIN, Role.OFFICIAL)):
    """None when the user has one of `roles` here; otherwise the response (sign in, or 403)."""
    if has_role(request.user, request.jurisdiction, *roles):
        return None
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    raise PermissionDenied(message)


def _form_page(request, form, write, done, template: str, context: dict):
    """A form page's one shape: a valid POST calls `write(**cleaned_data)` and goes to `done` (an address, or a
    function of what was written); a refusal shows next to its field; an invalid POST answers 400."""
    if request.method == "POST" and form.is_valid():
        try:
            written = write(**form.cleaned_data)
        except ValidationError as problem:
            add_operation_errors(form, problem)
        else:
            return redirect(done(written) if callable(done) else done)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**context, "form": form}, status=status)


def results(request, jurisdiction):
    """What became of every decision here: each tracked result, what it follows, its status and spending."""
    found = queries.results_of(request.jurisdiction)
    return render(
        request,
        "accountability/results.html",
        {"results": found, "plans": queries.plan_summaries(request.jurisdiction), "may_import": _is_official(request)},
    )


def _result(request, pk: int) -> Result:
    return _found(queries.result, request.jurisdiction, pk, what="result")


def result_detail(request, jurisdiction, result):
    found = _result(request, result)
    official = _is_official(request)
    form = EvidenceForm(*_posted_data(request)) if official else None
    if request.method == "POST":
        if not official:
            raise PermissionDenied(_("Only the jurisdiction's officials add photos."))
        if form.is_valid():
            try:
                add_result_photo(
                    actor=request.user,
                    result=found,
                    upload=form.cleaned_data["upload"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as refused:
                add_operation_errors(form, refused)
            else:
                return redirect(found.get_absolute_url() + "#photos")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accountability/result.html",
        {"result": found, "photo_form": form, "may_update": official},
        status=status,
    )


def result_update(request, jurisdiction, result):
    found = _result(request, result)
    refused = _officials_only(request, _("Only the jurisdiction's officials report on results."))
    if refused:
        return refused
    initial = {"status": found.status, "progress": found.progress, "budget_spent": found.budget_spent}
    form = ResultUpdateForm(_posted_data(request)[0], initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spent = data["budget_spent"]
        try:
            update_result(
                actor=request.user,
                result=found,
                status=data["status"],
                progress=data["progress"],
                budget_spent_minor=None if spent is None else int(spent * 100),
                note=data["note"],
            )
        except ValidationError as problem:
            add_operation_errors(form, problem)
        else:
            return redirect(found.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "accountability/result_form.html", {"result": found, "form": form}, status=status)


def _import_page(request, jurisdiction, *, form_class, start, report_name: str, template: str, refusal: str):
    """An import's upload page: the file goes to a background job, whose report page the official lands on."""
    refused = _officials_only(request, refusal)
    if refused:
        return refused
    form = form_class(*_posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            started = start(
                actor=request.user,
                jurisdiction=request.jurisdiction,
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as problem:
            add_operation_errors(form, problem)
        else:
            return redirect(report_name, jurisdiction=jurisdiction, job_id=started.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form}, status=status)


def results_import(request, jurisdiction):
    return _import_page(
        request,
        jurisdiction,
        form_class=ResultsImportForm,
        start=start_results_import,
        report_name="accountability:import_report",
        template="accountability/results_import.html",
        refusal=_("Only the jurisdiction's officials import results."),
    )


def import_report(request, jurisdiction, job_id):
    """The import's progress bar (core's job status) and, once done, its report: errors by line or the changes."""
    refused = _officials_only(request, _("Only the jurisdiction's officials import results."))
    if refused:
        return refused
    back = (reverse("accountability:results", kwargs={"jurisdiction": jurisdiction}), _("What became of each decision"))
    return _import_report(request, job_id, "accountability.import_results", back)


def progress_import(request, jurisdiction):
    """Officials upload milestone progress from their back-office system (keyed by external ids), as a job."""
    return _import_page(
        request,
        jurisdiction,
        form_class=ProgressImportForm,
        start=start_progress_import,
        report_name="accountability:progress_import_report",
        template="accountability/progress_import.html",
        refusal=_("Only the jurisdiction's officials import progress."),
    )


def progress_import_report(request, jurisdiction, job_id):
    refused = _officials_only(request, _("Only the jurisdiction's officials import progress."))
    if refused:
        return refused
    back = (reverse("accountability:progress_import", kwargs={"jurisdiction": jurisdiction}), _("Import progress"))
    return _import_report(request, job_id, "accountability.import_progress", back)


def _import_report(request, job_id: int, kind: str, back: tuple[str, str]):
    job = Job.objects.with_scope(jurisdiction=request.jurisdiction).filter(pk=job_id, kind=kind).first()
    if job is None:
        raise Http404("No such import.")
    context = {"job": job, "report": job.result or {}, "back_url": back[0], "back_label": back[1]}
    if not request.htmx:
        response = render(request, "accountability/import_report.html", context)
    else:  # 286 stops htmx polling once the job is done
        status = 286 if job.is_finished else 200
        response = render(request, "accountability/includes/import_status.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def commitment_evidence(request, jurisdiction, plan, number):
    """Officials and the plan's partners upload evidence files to a commitment (core attachments)."""
    found = _plan(request, plan)
    commitment = _commitment(found, number)
    if not queries.sides_for(request.user, found):
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        raise PermissionDenied(_("Only the jurisdiction's officials and the plan's partners add evidence."))
    write = partial(add_commitment_evidence, actor=request.user, commitment=commitment)
    form = EvidenceForm(*_posted_data(request))
    done = commitment.get_absolute_url() + "#evidence"
    context = {"plan": found, "commitment": commitment}
    return _form_page(request, form, write, done, "accountability/evidence_form.html", context)


def _posted_data(request) -> tuple:
    """(data, files) for a bound form on POST, even an empty one (then every required field says so)."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _network(request) -> list[int]:
    """The member ids of the network this page is under; 404 anywhere else."""
    if request.jurisdiction.kind != Jurisdiction.Kind.NETWORK:
        raise Http404("Not a network.")
    return network.member_ids(request.jurisdiction)


def network_overview(request, jurisdiction):
    """The network's staff see every member's commitments, filtered by policy area, OGP value, SDG, plan status."""
    ids = _network(request)
    if not is_network_staff(request.user):
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        raise PermissionDenied(_("The network overview is for the network's staff."))
    filters = network.Filters.from_query(request.GET)
    page_number = request.GET.get("page", "1")[:20]
    query = request.GET.copy()
    query.pop("page", None)

    def body() -> str:
        page = network.commitments(ids, filters, page_number)
        network.set_addresses(page.object_list, request.jurisdiction)
        context = {
            "jurisdiction": request.jurisdiction,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "members": len(ids),
            "plan_counts": network.plan_counts(ids),
            "areas": network.policy_areas(ids),
            "ogp_values": OGPValue.choices,
            "statuses": PlanStatus.choices,
            "goals": range(1, 18),
        }
        return render_to_string("accountability/includes/network_body.html", context)

    vary = (request.jurisdiction.pk, filters, page_number, query.urlencode())
    piece = fragments.cached(TOPIC, "network-overview", vary, body)
    return render(request, "accountability/network.html", {"body": piece})


def network_topics(request, jurisdiction):
    """Policy areas across the network, most shared first: the way into "who else committed to …?"."""
    ids = _network(request)
    return render(request, "accountability/topics.html", {"areas": network.policy_areas(ids), "members": len(ids)})


def network_topic(request, jurisdiction, topic):
    ids = _network(request)
    found = network.who_else(ids, topic)
    if not found:
        raise Http404("Nobody committed to this.")
    label = next(
        (area for _j, items in found for c in items for area in c.policy_areas if slugify(area) == topic), topic
    )
    return render(request, "accountability/topic.html", {"found": found, "label": label, "slug": topic})


def new_plan(request, jurisdiction):
    refused = _officials_only(request, _("Only the jurisdiction's admins start an action plan."), roles=(Role.ADMIN,))
    if refused:
        return refused
    write = partial(create_plan, actor=request.user, jurisdiction=request.jurisdiction)
    form = PlanForm(_posted_data(request)[0])
    return _form_page(request, form, write, _url_of, "accountability/plan_form.html", {})


def _url_of(created) -> str:
    return created.get_absolute_url()


def new_commitment(request, jurisdiction, plan):
    found = _plan(request, plan)
    refused = _officials_only(request, _("Only the jurisdiction's officials write commitments."))
    if refused:
        return refused
    write = partial(create_commitment, actor=request.user, plan=found)
    form = CommitmentForm(_posted_data(request)[0])
    return _form_page(request, form, write, _url_of, "accountability/commitment_form.html", {"plan": found})


def new_milestone(request, jurisdiction, plan, number):
    found = _plan(request, plan)
    commitment = _commitment(found, number)
    refused = _officials_only(request, _("Only the jurisdiction's officials add milestones."))
    if refused:
        return refused
    write = partial(add_milestone, actor=request.user, commitment=commitment)
    form = MilestoneForm(_posted_data(request)[0])
    done = commitment.get_absolute_url() + "#milestones-title"
    context = {"plan": found, "commitment": commitment}
    return _form_page(request, form, write, done, "accountability/milestone_form.html", context)


def new_forum_member(request, jurisdiction, plan):
    """Officials list a member of the plan's multi-stakeholder forum (person, organisation, sector)."""
    found = _plan(request, plan)
    refused = _officials_only(request, _("Only the jurisdiction's officials keep the forum's record."))
    if refused:
        return refused
    write = partial(add_forum_member, actor=request.user, plan=found)
    form = ForumMemberForm(_posted_data(request)[0])
    done = found.get_absolute_url() + "#cocreation-title"
    return _form_page(request, form, write, done, "accountability/forum_member_form.html", {"plan": found})


def new_meeting(request, jurisdiction, plan):
    """Officials record a forum meeting: date, place, attendees, minutes and a document (core attachment)."""
    found = _plan(request, plan)
    refused = _officials_only(request, _("Only the jurisdiction's officials keep the forum's record."))
    if refused:
        return refused
    form = MeetingForm(*_posted_data(request))

    def write(*, document_title, document, **values):
        return record_meeting(actor=request.user, plan=found, documents=form.documents(), **values)

    done = found.get_absolute_url() + "#cocreation-title"
    return _form_page(request, form, write, done, "accountability/meeting_form.html", {"plan": found})


MEETING_FIELDS = ("title", "held_on", "place", "attendees", "minutes")


def _meeting(found: ActionPlan, pk: int) -> ForumMeeting:
    return _found(queries.meeting, found, pk, what="forum meeting")


def edit_meeting(request, jurisdiction, plan, meeting):
    """Officials correct a recorded meeting (details, minutes, documents); the plan's page says it was corrected."""
    found = _plan(request, plan)
    chosen = _meeting(found, meeting)
    refused = _officials_only(request, _("Only the jurisdiction's officials keep the forum's record."))
    if refused:
        return refused
    initial = {name: getattr(chosen, name) for name in MEETING_FIELDS}
    form = MeetingEditForm(*_posted_data(request), initial=initial, documents=chosen.documents)

    def write(*, document_title, document, remove_documents=(), **values):
        return update_meeting(
            actor=request.user,
            meeting=chosen,
            add_documents=form.documents(),
            remove_documents=remove_documents,
            **values,
        )

    done = found.get_absolute_url() + f"#meeting-{chosen.pk}"
    context = {"plan": found, "meeting": chosen}
    return _form_page(request, form, write, done, "accountability/meeting_edit.html", context)


def remove_meeting_page(request, jurisdiction, plan, meeting):
    """The removal's confirmation: what goes off the record, and the public reason it needs (POST removes)."""
    found = _plan(request, plan)
    chosen = _meeting(found, meeting)
    refused = _officials_only(request, _("Only the jurisdiction's officials keep the forum's record."))
    if refused:
        return refused
    write = partial(remove_meeting, actor=request.user, meeting=chosen)
    form = MeetingRemovalForm(_posted_data(request)[0])
    done = found.get_absolute_url() + "#removed-meetings-title"
    context = {"plan": found, "meeting": chosen}
    return _form_page(request, form, write, done, "accountability/meeting_remove.html", context)


def _commitment(found: ActionPlan, number: int) -> Commitment:
    return _found(queries.commitment, found, number, what="commitment")


def edit_commitment(request, jurisdiction, plan, number):
    """Officials correct a commitment; the change and its reason go to the public audit log."""
    found = _plan(request, plan)
    commitment = _commitment(found, number)
    refused = _officials_only(request, _("Only the jurisdiction's officials edit commitments."))
    if refused:
        return refused
    write = partial(update_commitment, actor=request.user, commitment=commitment)
    form = CommitmentEditForm(_posted_data(request)[0], commitment=commitment)
    context = {"plan": found, "commitment": commitment}
    done = commitment.get_absolute_url()
    return _form_page(request, form, write, done, "accountability/commitment_edit.html", context)


def edit_milestone(request, jurisdiction, plan, number, position):
    """Officials correct a milestone's deliverable or due date (inside the plan's period), with a reason."""
    found = _plan(request, plan)
    commitment = _commitment(found, number)
    milestone = _found(queries.milestone, found, number, position, what="milestone")
    refused = _officials_only(request, _("Only the jurisdiction's officials edit milestones."))
    if refused:
        return refused
    write = partial(update_milestone, actor=request.user, milestone=milestone)
    fields = ("deliverable", "due_date", "external_id")
    form = MilestoneEditForm(_posted_data(request)[0], initial={name: getattr(milestone, name) for name in fields})
    done = commitment.get_absolute_url() + "#milestones-title"
    context = {"plan": found, "commitment": commitment, "milestone": milestone}
    return _form_page(request, form, write, done, "accountability/milestone_edit.html", context)


def milestone_history(request, jurisdiction, plan, number, position):
    """Every progress update of one milestone, newest first, a page at a time."""
    found = _plan(request, plan)
    milestone = _found(queries.milestone, found, number, position, what="milestone")
    page = Paginator(queries.milestone_history(milestone), HISTORY_PAGE).get_page(request.GET.get("page"))
    queries.attach_files(list(page.object_list))
    context = {"plan": found, "commitment": milestone.commitment, "milestone": milestone, "page": page}
    return render(request, "accountability/milestone_history.html", context)


def edit_plan(request, jurisdiction, plan):
    """The plan's admins correct its title, period and description, and move it to its next stage."""
    found = _plan(request, plan)
    refused = _officials_only(request, _("Only the jurisdiction's admins edit an action plan."), roles=(Role.ADMIN,))
    if refused:
        return refused
    fields = ("title", "period_start", "period_end", "description")
    form = PlanEditForm(_posted_data(request)[0], initial={name: getattr(found, name) for name in fields})
    context = {"plan": found, "status_form": _status_form(found)}
    write = partial(update_plan, actor=request.user, plan=found)
    return _form_page(request, form, write, found.get_absolute_url(), "accountability/plan_edit.html", context)


def _status_form(found: ActionPlan, data=None) -> PlanStatusForm | None:
    """The form that moves the plan to its next stage, or None when it is closed."""
    step = STATUS_ORDER.index(found.status) + 1
    if step >= len(STATUS_ORDER):
        return None
    form = PlanStatusForm(data, initial={"status": STATUS_ORDER[step]})
    form.next_status = PlanStatus(STATUS_ORDER[step])
    return form


def plan_status(request, jurisdiction, plan):
    """POST only: move the plan one step forward (the edit page holds the form and shows a refusal)."""
    found = _plan(request, plan)
    refused = _officials_only(request, _("Only the jurisdiction's admins move an action plan on."), roles=(Role.ADMIN,))
    if refused:
        return refused
    edit = reverse("accountability:edit_plan", kwargs={"jurisdiction": jurisdiction, "plan": found.slug})
    if request.method != "POST":
        return redirect(edit)
    form = _status_form(found, request.POST) or PlanStatusForm(request.POST)
    if form.is_valid():
        try:
            set_plan_status(actor=request.user, plan=found, **form.cleaned_data)
        except ValidationError as problem:
            add_operation_errors(form, problem)
        else:
            return redirect(found.get_absolute_url())
    fields = ("title", "period_start", "period_end", "description")
    details = PlanEditForm(initial={name: getattr(found, name) for name in fields})
    context = {"plan": found, "form": details, "status_form": form}
    return render(request, "accountability/plan_edit.html", context, status=400)


def _forum_member(found: ActionPlan, pk: int) -> ForumMember:
    return _found(queries.forum_member, found, pk, what="forum member")


def edit_forum_member(request, jurisdiction, plan, member):
    """Officials correct a forum member (or remove them, from the same page); the public history keeps both."""
    found = _plan(request, plan)
    chosen = _forum_member(found, member)
    refused = _officials_only(request, _("Only the jurisdiction's officials keep the forum's record."))
    if refused:
        return refused
    fields = ("name", "organisation", "sector", "role")
    form = ForumMemberEditForm(_posted_data(request)[0], initial={name: getattr(chosen, name) for name in fields})
    context = {"plan": found, "member": chosen, "removal": RemovalForm()}
    write = partial(update_forum_member, actor=request.user, member=chosen)
    done = found.get_absolute_url() + "#cocreation-title"
    return _form_page(request, form, write, done, "accountability/forum_member_edit.html", context)


def remove_forum_member_page(request, jurisdiction, plan, member):
    found = _plan(request, plan)
    chosen = _forum_member(found, member)
    refused = _officials_only(request, _("Only the jurisdiction's officials keep the forum's record."))
    if refused:
        return refused
    edit = reverse(
        "accountability:edit_forum_member", kwargs={"jurisdiction": jurisdiction, "plan": found.slug, "member": member}
    )
    write = partial(remove_forum_member, actor=request.user, member=chosen)
    done = found.get_absolute_url() + "#cocreation-title"
    fields = ("name", "organisation", "sector", "role")
    details = ForumMemberEditForm(initial={name: getattr(chosen, name) for name in fields})
    context = {"plan": found, "member": chosen, "form": details}
    return _removal(request, write, done, edit, "accountability/forum_member_edit.html", context)


def _removal(request, write, done: str, edit: str, template: str, context: dict):
    """POST only: remove, then go to `done`; a refusal shows the edit page with the message at the removal form."""
    if request.method != "POST":
        return redirect(edit)
    form = RemovalForm(request.POST)
    if form.is_valid():
        try:
            write(**form.cleaned_data)
        except ValidationError as problem:
            add_operation_errors(form, problem)
        else:
            return redirect(done)
    return render(request, template, {**context, "removal": form}, status=400)


def result_milestones(request, jurisdiction, result):
    """Officials add, correct and remove a result's milestones (what is due, and when it was done)."""
    found = _result(request, result)
    refused = _officials_only(request, _("Only the jurisdiction's officials report on results."))
    if refused:
        return refused
    form = ResultMilestoneForm(_posted_data(request)[0])
    context = {"result": found, "milestones": queries.result_milestones(found)}
    write = partial(add_result_milestone, actor=request.user, result=found)
    done = reverse("accountability:result_milestones", kwargs={"jurisdiction": jurisdiction, "result": found.pk})
    return _form_page(request, form, write, done, "accountability/result_milestones.html", context)


def _result_milestone(found: Result, position: int) -> ResultMilestone:
    return _found(queries.result_milestone, found, position, what="milestone")


def edit_result_milestone(request, jurisdiction, result, position):
    found = _result(request, result)
    milestone = _result_milestone(found, position)
    refused = _officials_only(request, _("Only the jurisdiction's officials report on results."))
    if refused:
        return refused
    initial = {"title": milestone.title, "due_date": milestone.due_date, "done_on": milestone.done_on}
    form = ResultMilestoneEditForm(_posted_data(request)[0], initial=initial)
    context = {"result": found, "milestone": milestone, "removal": RemovalForm()}
    write = partial(update_result_milestone, actor=request.user, milestone=milestone)
    done = reverse("accountability:result_milestones", kwargs={"jurisdiction": jurisdiction, "result": found.pk})
    return _form_page(request, form, write, done, "accountability/result_milestone_edit.html", context)


def remove_result_milestone_page(request, jurisdiction, result, position):
    found = _result(request, result)
    milestone = _result_milestone(found, position)
    refused = _officials_only(request, _("Only the jurisdiction's officials report on results."))
    if refused:
        return refused
    kwargs = {"jurisdiction": jurisdiction, "result": found.pk}
    done = reverse("accountability:result_milestones", kwargs=kwargs)
    edit = reverse("accountability:edit_result_milestone", kwargs={**kwargs, "position": position})
    write = partial(remove_result_milestone, actor=request.user, milestone=milestone)
    initial = {"title": milestone.title, "due_date": milestone.due_date, "done_on": milestone.done_on}
    context = {"result": found, "milestone": milestone, "form": ResultMilestoneEditForm(initial=initial)}
    return _removal(request, write, done, edit, "accountability/result_milestone_edit.html", context)
