"""Accountability's pages: plans, a plan, a commitment, the timeline, and the progress form."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from plaza.accountability import queries
from plaza.accountability.component import manifest
from plaza.accountability.forms import AssessmentForm, CandidateDecisionForm, ProgressUpdateForm
from plaza.accountability.models import ActionPlan, Candidate, CandidateDecision, Commitment, Milestone, Sector
from plaza.accountability.operations import decide_candidate, post_progress_update, record_assessment
from plaza.core.exports import FORMATS, export_response
from plaza.core.forms.backoffice import add_operation_errors
from plaza.core.markdown import render_markdown
from plaza.core.models import Role
from plaza.core.permissions import has_role

TIMELINE_LIMIT = 300


def _plan(request, slug: str) -> ActionPlan:
    try:
        return queries.plan(request.jurisdiction, slug)
    except ActionPlan.DoesNotExist as missing:
        raise Http404("No such action plan.") from missing


def plan_list(request, jurisdiction=None):
    return render(request, "accountability/plans.html", {"plans": queries.plans_of(request.jurisdiction)})


def plan_detail(request, jurisdiction, plan):
    found = _plan(request, plan)
    members = list(queries.forum_of(found))
    meetings = queries.meetings_of(found)
    for meeting in meetings:
        meeting.minutes_html = render_markdown(meeting.minutes)
    return render(
        request,
        "accountability/plan.html",
        {
            "plan": found,
            "description": render_markdown(found.description),
            "members": members,
            "organisations": len({m.organisation for m in members if m.sector == Sector.CIVIL_SOCIETY}),
            "government_areas": len({m.organisation for m in members if m.sector == Sector.GOVERNMENT}),
            "meetings": meetings,
            "commitments": queries.plan_progress(found),
            "candidates": _by_decision(queries.candidates_of(found)),
            "may_decide": has_role(request.user, found.jurisdiction, Role.ADMIN, Role.OFFICIAL),
        },
    )


def commitment_detail(request, jurisdiction, plan, number):
    found = _plan(request, plan)
    try:
        progress = queries.commitment_progress(found, number)
    except Commitment.DoesNotExist as missing:
        raise Http404("No such commitment.") from missing
    return render(
        request,
        "accountability/commitment.html",
        {
            "plan": found,
            "commitment": progress.commitment,
            "progress": progress,
            "sdg_tags": queries.sdg_tags_of(progress.commitment),
            "may_post": bool(queries.sides_for(request.user, found)),
        },
    )


def timeline(request, jurisdiction, plan):
    found = _plan(request, plan)
    updates = list(queries.progress_updates_of(request.jurisdiction, found)[:TIMELINE_LIMIT])
    events = [(u.created_at.date(), "update", u) for u in updates]
    events += [(m.held_on, "meeting", m) for m in queries.meetings_of(found)]
    events.sort(key=lambda event: event[0], reverse=True)
    return render(request, "accountability/timeline.html", {"plan": found, "events": events})


def post_progress(request, jurisdiction, plan, number, position):
    found = _plan(request, plan)
    try:
        milestone = queries.milestone(found, number, position)
    except Milestone.DoesNotExist as missing:
        raise Http404("No such milestone.") from missing
    sides = queries.sides_for(request.user, found)
    if not sides:
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        raise PermissionDenied(
            _("Only the jurisdiction's officials and the plan's civil society partners report progress.")
        )
    form = ProgressUpdateForm(request.POST or None, request.FILES or None, sides=sides)
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
    try:
        progress = queries.commitment_progress(found, number)
    except Commitment.DoesNotExist as missing:
        raise Http404("No such commitment.") from missing
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
    form = AssessmentForm(request.POST or None, initial=initial)
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
    form = CandidateDecisionForm(request.POST or None, initial=initial, commitments=commitments.values())
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
