"""The votes pages: votations, the ballot, the receipt, results, ballots files, booths and set-up."""

import json
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plaza.core.client_address import client_address
from plaza.core.forms import CensusMatchForm
from plaza.core.forms.backoffice import add_operation_errors
from plaza.core.forms.booths import BoothTotalForm
from plaza.core.markdown import render_markdown
from plaza.core.models import Role
from plaza.core.permissions import has_role
from plaza.core.roll import has_voted
from plaza.votes import exports, operations, queries
from plaza.votes.charts import turnout_charts
from plaza.votes.electorate import person_of
from plaza.votes.forms import (
    BallotForm,
    BoothBallotForm,
    ChangeBallotForm,
    CodeBallotForm,
    CodeRequestForm,
    QuestionFormSet,
    ReceiptForm,
    VotationForm,
    ballot_answers,
    question_initial,
)
from plaza.votes.models import AccessCode, Votation


def _is_admin(request) -> bool:
    return has_role(request.user, request.jurisdiction, Role.ADMIN)


def with_votation(view):
    """Load the votation named in the address (drafts for admins only), in the jurisdiction's time zone."""

    @wraps(view)
    def wrapper(request, jurisdiction, votation, *args, **kwargs):
        try:
            found = queries.votation_page(request.jurisdiction, votation, include_unpublished=_is_admin(request))
        except Votation.DoesNotExist as missing:
            raise Http404("No such votation.") from missing
        with timezone.override(request.jurisdiction.zone):
            return view(request, found, *args, **kwargs)

    return wrapper


def officer_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, votation, *args, **kwargs):
        if not operations.is_poll_officer(request.user, request.jurisdiction):
            raise PermissionDenied(_("Only poll officers can record ballots at a booth."))
        return view(request, votation, *args, **kwargs)

    return wrapper


def votation_list(request, jurisdiction):
    votations = queries.votations_of(request.jurisdiction, include_unpublished=_is_admin(request))
    return render(request, "votes/votation_list.html", {"votations": votations, "is_admin": _is_admin(request)})


def _ballot_context(request, votation: Votation) -> dict:
    allowed, reason = operations.may_vote_online(request.user, votation)
    person = person_of(request.user, request.jurisdiction)
    voted = person is not None and has_voted(
        jurisdiction=request.jurisdiction, election_key=votation.election_key, person=person
    )
    return {
        "votation": votation,
        "description": render_markdown(votation.description),
        "may_vote": allowed and votation.is_open and votation.online and not voted,
        "may_change": allowed and votation.is_open and votation.online and voted and votation.allows_changes,
        "reason": reason,
        "voted": voted,
        "is_admin": _is_admin(request),
        "is_officer": operations.is_poll_officer(request.user, request.jurisdiction),
        "booths": queries.booths_of(votation),  # read only where the votation takes booth ballots
    }


@with_votation
def votation_detail(request, votation):
    context = _ballot_context(request, votation)
    context["form"] = BallotForm(votation=votation)
    if context["may_change"]:
        context["change_form"] = ChangeBallotForm(votation=votation)
    return render(request, "votes/votation.html", context)


def _receipt_page(request, receipt: operations.CastReceipt, *, changed: bool = False):
    context = {"votation": receipt.votation, "code": receipt.code, "change_code": receipt.change_code}
    response = render(request, "votes/receipt.html", context | {"changed": changed})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def cast(request, jurisdiction, votation):
    """Cast an online ballot; the receipt is the answer to this POST, shown once and never stored.

    A published votation (the only kind that takes ballots) comes in one query with its questions
    and options; anything else (a draft an admin sees, an unknown address) goes the usual way.
    """
    found = queries.ballot_votation(request.jurisdiction.slug, votation)
    if found is None:
        return with_votation(_cast)(request, jurisdiction, votation)
    with timezone.override(request.jurisdiction.zone):
        return _cast(request, found)


def _cast(request, votation):
    form = BallotForm(request.POST, votation=votation)
    if form.is_valid():
        try:
            receipt = operations.cast_online(
                actor=request.user, votation=votation, answers=ballot_answers(form, votation)
            )
        except ValidationError as error:
            add_operation_errors(form, error)
        else:
            return _receipt_page(request, receipt)
    context = _ballot_context(request, votation) | {"form": form}
    return render(request, "votes/votation.html", context, status=400)


@require_POST
@with_votation
def change(request, votation):
    """Replace one's online ballot (the change code finds it); the new receipt is the answer, shown once."""
    form = ChangeBallotForm(request.POST, votation=votation)
    if form.is_valid():
        try:
            receipt = operations.change_online(
                actor=request.user,
                votation=votation,
                change_code=form.cleaned_data["change_code"],
                answers=ballot_answers(form, votation),
            )
        except ValidationError as error:
            add_operation_errors(form, error)
        else:
            return _receipt_page(request, receipt, changed=True)
    context = _ballot_context(request, votation) | {"form": BallotForm(votation=votation), "change_form": form}
    return render(request, "votes/votation.html", context, status=400)


# --- Voting without an account ----------------------------------------------------------------


def _no_code_voting(votation: Votation) -> None:
    if not (votation.online and votation.is_published):
        raise Http404("This votation takes no online votes.")


@with_votation
def code_request(request, votation):
    """A person on the census asks for a one-time code by e-mail or text message (no account)."""
    _no_code_voting(votation)
    channels = operations.code_channels()
    form = CodeRequestForm(request.POST or None, channels=channels)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent_to = operations.send_access_code(
                votation=votation,
                document_id=data["document_id"],
                birth_date=data["date_of_birth"],
                postal_code=data["postal_code"],
                client=client_address(request),
                channel=form.channel(),
            )
        except ValidationError as error:
            add_operation_errors(form, error)
        else:
            return render(request, "votes/code_sent.html", {"votation": votation, "sent_to": sent_to})
    status = 400 if request.method == "POST" else 200
    context = {"votation": votation, "form": form, "by_sms": AccessCode.Delivery.SMS in channels}
    return render(request, "votes/code_request.html", context, status=status)


@with_votation
def code_vote(request, votation):
    """The ballot for a voter without an account: document number, one-time code, answers."""
    _no_code_voting(votation)
    form = CodeBallotForm(request.POST or None, votation=votation)
    if request.method == "POST" and form.is_valid():
        try:
            receipt = operations.cast_with_code(
                votation=votation,
                document_id=form.cleaned_data["document_id"],
                code=form.cleaned_data["code"],
                answers=ballot_answers(form, votation),
                client=client_address(request),
            )
        except ValidationError as error:
            add_operation_errors(form, error)
        else:
            return _receipt_page(request, receipt)
    status = 400 if request.method == "POST" else 200
    return render(request, "votes/code_vote.html", {"votation": votation, "form": form}, status=status)


@with_votation
def receipt_check(request, votation):
    form = ReceiptForm(request.GET or None)
    ballot = None
    if form.is_bound and form.is_valid():
        ballot = queries.find_ballot(votation, form.cleaned_data["code"])
        if ballot is None:
            form.add_error("code", _("No ballot of this votation has this receipt code."))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "votes/receipt_check.html", {"votation": votation, "form": form, "ballot": ballot}, status=status
    )


def _round_rows(question: dict) -> list[dict]:
    """A ranked question's instant-runoff rounds as table rows, the option columns in the question's order."""
    labels = {o["key"]: o["label"] for o in question["options"]}
    return [
        {
            "number": number,
            "cells": [round_["counts"].get(o["key"]) for o in question["options"]],
            "exhausted": round_["exhausted"],
            "eliminated": labels.get(round_["eliminated"], ""),
        }
        for number, round_ in enumerate(question.get("rounds", []), start=1)
    ]


@with_votation
def results(request, votation):
    context = {"votation": votation, "published": votation.is_closed}
    if votation.is_closed:
        found = queries.results_of(votation).as_dict()
        for question in found["questions"]:
            if "rounds" in question:
                question["round_rows"] = _round_rows(question)
                question["winner_label"] = next(
                    (o["label"] for o in question["options"] if o["key"] == question["winner"]), ""
                )
        turnout = queries.turnout_of(votation)
        context |= {"results": found, "turnout": turnout, "charts": turnout_charts(turnout)}
    return render(request, "votes/results.html", context)


@with_votation
def ballots_file(request, votation, fmt):
    if fmt not in ("csv", "json") or not votation.is_closed:
        raise Http404("The ballots are published when the votation closes.")
    return exports.ballots_response(votation, fmt)


def votations_export(request, jurisdiction):
    document = exports.votations_document(request.jurisdiction, request.build_absolute_uri("/")[:-1])
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@with_votation
@officer_only
def booth(request, votation):
    booths = queries.booths_of(votation)
    form = BoothBallotForm(request.POST or None, votation=votation, booths=booths)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operations.cast_at_booth(
                officer=request.user,
                votation=votation,
                booth=data["booth"],
                document_id=data["document_id"],
                birth_date=data["date_of_birth"],
                postal_code=data["postal_code"],
                answers=ballot_answers(form, votation),
            )
        except ValidationError as error:
            add_operation_errors(form, error)
        else:
            return render(request, "votes/booth_done.html", {"votation": votation, "booth": data["booth"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "votes/booth.html", {"votation": votation, "form": form, "booths": booths}, status=status)


@with_votation
@officer_only
def booth_code(request, votation):
    """A poll officer checks a person's document and hands over a one-time code to vote online."""
    form = CensusMatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            code = operations.hand_over_code(
                officer=request.user,
                votation=votation,
                document_id=data["document_id"],
                birth_date=data["date_of_birth"],
                postal_code=data["postal_code"],
            )
        except ValidationError as error:
            add_operation_errors(form, error)
        else:
            response = render(request, "votes/booth_code_done.html", {"votation": votation, "code": code})
            response["Cache-Control"] = "no-store"
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "votes/booth_code.html", {"votation": votation, "form": form}, status=status)


@with_votation
@officer_only
def booth_totals(request, votation):
    form = BoothTotalForm(request.POST or None, booths=queries.booths_of(votation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operations.report_booth_tally(
                officer=request.user, booth=data["booth"], day=data["day"], count=data["count"]
            )
        except ValidationError as error:
            add_operation_errors(form, error)
        else:
            return redirect("votes:booth_totals", jurisdiction=request.jurisdiction.slug, votation=votation.slug)
    rows = queries.reconciliation(votation) if _is_admin(request) else None
    status = 400 if request.method == "POST" else 200
    return render(request, "votes/booth_totals.html", {"votation": votation, "form": form, "rows": rows}, status=status)


# --- Set-up (jurisdiction admins) -------------------------------------------------------------


def admin_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _is_admin(request):
            raise PermissionDenied(_("Only the jurisdiction's admins can set up votations."))
        with timezone.override(request.jurisdiction.zone):
            return view(request, *args, **kwargs)

    return wrapper


def _setup_forms(request, votation: Votation | None):
    initial = None
    if votation is not None:
        initial = {f: getattr(votation, f) for f in ("title", "slug", "description", "opens_at", "closes_at")}
        rules = ("online", "booth", "is_secret", "allows_changes", "district", "min_age", "is_published")
        initial |= {f: getattr(votation, f) for f in rules}
        initial["booths"] = "\n".join(b.name for b in queries.booths_of(votation))
    form = VotationForm(request.POST or None, initial=initial)
    if request.method == "POST":  # no initial values: an unchanged extra form would read as empty
        questions = QuestionFormSet(request.POST, prefix="questions")
    else:
        questions = QuestionFormSet(prefix="questions", initial=question_initial(votation))
    return form, questions


def _setup_values(form, questions) -> dict:
    data = dict(form.cleaned_data)
    data.pop("booths")
    data["questions"] = [spec for spec in (q.spec() for q in questions) if spec is not None]
    data["booths"] = form.booth_names()
    return data


def _setup_page(request, template_context: dict, status: int | None = None):
    status = status or (400 if request.method == "POST" else 200)
    votation = template_context.get("votation")
    template_context["rules_locked"] = votation is not None and not operations.rules_may_change(votation)
    return render(request, "votes/votation_form.html", template_context, status=status)


@admin_only
def votation_create(request, jurisdiction):
    form, questions = _setup_forms(request, None)
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        try:
            votation = operations.create_votation(
                actor=request.user, jurisdiction=request.jurisdiction, **_setup_values(form, questions)
            )
        except ValidationError as error:
            add_operation_errors(form, error)
        else:
            return redirect(votation.get_absolute_url())
    return _setup_page(request, {"form": form, "questions": questions, "votation": None})


@admin_only
@with_votation
def votation_edit(request, votation):
    form, questions = _setup_forms(request, votation)
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        values = _setup_values(form, questions)
        values.pop("slug")  # the address never changes: people bookmark it
        if not operations.rules_may_change(votation):
            values = {k: values[k] for k in operations.WORDING_FIELDS}
        try:
            operations.update_votation(actor=request.user, votation=votation, **values)
        except ValidationError as error:
            add_operation_errors(form, error)
        else:
            return redirect(votation.get_absolute_url())
    return _setup_page(request, {"form": form, "questions": questions, "votation": votation})


def component_votations(request):
    """A process's votes component: its votations (the votations' own pages are under /<j>/votes/)."""
    votations = queries.votations_of(request.jurisdiction, component=request.component)
    return render(
        request,
        "votes/component.html",
        {"process": request.process, "component": request.component, "votations": votations},
    )
