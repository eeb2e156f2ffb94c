"""The proposals component's pages: thin, each parses, calls one query or operation, and renders."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plaza.core import fragments
from plaza.core.geo import Point, map_context
from plaza.core.geocoding import nearest_address
from plaza.core.markdown import render_markdown
from plaza.core.models import Role
from plaza.core.operations import moderation
from plaza.core.permissions import component_action_allowed, has_role
from plaza.core.queries.attachments import attachments_of
from plaza.core.queries.moderation import blocked_accounts
from plaza.proposals import operations, queries
from plaza.proposals.forms import (
    AttachmentForm,
    BlockForm,
    BulkModerationForm,
    DebateForm,
    DebateVoteForm,
    FilterForm,
    HideForm,
    MergeForm,
    ProposalForm,
    SimilarCheckForm,
    SynthesisEditForm,
    SynthesisForm,
    SynthesisGroupEditFormSet,
    SynthesisGroupFormSet,
    SynthesisRegroupForm,
    SynthesisRegroupFormSet,
)
from plaza.proposals.models import RANDOM_KEY_LIMIT, Proposal

PAGE_SIZE = 20
SEED_KEY = "proposals_seed"
# The operations name the location by its parts; the page has one field for both.
FIELD_ALIASES = {"latitude": "location", "longitude": "location"}


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, found in error.error_dict.items():
        name = FIELD_ALIASES.get(name, name)
        form.add_error(name if name in form.fields else None, found)


def _visitor_seed(request) -> int:
    """A random order that stays the same for one visitor while they page through it."""
    if SEED_KEY not in request.session:
        request.session[SEED_KEY] = secrets.randbelow(RANDOM_KEY_LIMIT)
    return request.session[SEED_KEY]


def _filters(request, form: FilterForm) -> queries.ProposalFilters:
    data = form.cleaned_data if form.is_valid() else {}
    order = data.get("order") or "hot"
    return queries.ProposalFilters(
        category=data.get("category", ""),
        tag=data.get("tag", ""),
        goal=data.get("goal"),
        status=data.get("status", ""),
        q=data.get("q", ""),
        order=order,
        seed=_visitor_seed(request) if order == "random" else 0,
    )


def _card_parts(proposal: Proposal) -> tuple:
    """Everything a card shows (proposals/includes/card.html): the key of its kept HTML."""
    return (
        proposal.pk,
        proposal.title,
        proposal.status_label,
        proposal.category,
        proposal.is_expert,
        proposal.summary,
        proposal.supports_text,
        proposal.comments_text,
        proposal.author_name,
        proposal.on_behalf_of,
        tuple(proposal.tag_names),
    )


def _cards(proposals: list[Proposal], component_url: str) -> list[str]:
    """The index's cards, each kept rendered under what it shows (a changed count or title is another card)."""
    return fragments.pieces(
        "proposals.card",
        proposals,
        lambda p: (component_url, *_card_parts(p)),
        lambda p: render_to_string("proposals/includes/card.html", {"proposal": p, "component_url": component_url}),
    )


def _filter_fields(form: FilterForm) -> str:
    """The filter form's fields, kept rendered under what they show: the options chosen and the choices offered.

    Only a valid form without free words is kept (its values are among the choices, so there are few such forms);
    a search, a tag or a mistake is rendered for its request alone.
    """

    def render(_form=None) -> str:
        return render_to_string("core/includes/form.html", {"form": form})

    choice_fields = [name for name, field in form.fields.items() if hasattr(field, "choices")]
    if form.is_bound and (
        not form.is_valid() or any(form.cleaned_data.get(n) for n in form.fields if n not in choice_fields)
    ):
        return render()
    chosen = tuple(form.data.get(name, "") for name in choice_fields) if form.is_bound else None
    choices = tuple(tuple((value, str(label)) for value, label in form.fields[name].choices) for name in choice_fields)
    return fragments.pieces("proposals.filters", [form], lambda _form: (chosen, choices), render)[0]


def proposal_index(request):
    component = request.component
    form = FilterForm(request.GET or None, categories=queries.categories_of(component))
    filters = _filters(request, form)
    proposals = queries.index_pages(component, filters)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.as_cards(page.object_list, component)
    component_url = component.get_absolute_url()
    query = request.GET.copy()
    query.pop("page", None)
    may_propose, why_not = component_action_allowed(request.user, component, "propose")
    return render(
        request,
        "proposals/index.html",
        {
            "process": request.process,
            "component": component,
            "component_url": component_url,
            "form": form,
            "page": page,
            "cards": _cards(page.object_list, component_url),
            "filter_fields": _filter_fields(form),
            "query": query.urlencode(),
            # This page's located proposals: the map view (map/) draws all of them.
            "map": map_context([p for p in page.object_list if p.latitude is not None], map_id="proposals-map"),
            "may_propose": may_propose,
            "why_not": why_not,
            "threshold": queries.support_threshold(component),
            "is_moderator": _is_moderator(request),
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


def proposal_map(request):
    """Every located proposal matching the filters (up to the map's limit), listed and drawn."""
    component = request.component
    form = FilterForm(request.GET or None, categories=queries.categories_of(component))
    located = queries.located(queries.proposal_index(component, _filters(request, form)))
    query = request.GET.copy()
    context = {"form": form, "map": map_context(located, map_id="proposals-map"), "query": query.urlencode()}
    return _form_page(request, "proposals/map.html", context)


def _form_page(request, template: str, context: dict, refused: bool = False):
    context = {
        "process": request.process,
        "component": request.component,
        "map_tiles": getattr(settings, "PLAZA_MAP_TILES", ""),
        **context,
    }
    return render(request, template, context, status=400 if refused else 200)


def new_proposal(request):
    component = request.component
    allowed, why_not = component_action_allowed(request.user, component, "propose")
    categories = queries.categories_of(component)
    check = SimilarCheckForm(request.GET if "title" in request.GET else None)
    similar = queries.similar_proposals(component, check.cleaned_data["title"]) if check.is_valid() else None
    if request.method == "POST":
        form = ProposalForm(request.POST, categories=categories, jurisdiction=request.jurisdiction)
        if allowed and form.is_valid():
            try:
                proposal = operations.create_proposal(
                    actor=request.user, component=component, text=form.proposal_text()
                )
            except ValidationError as refused:
                _add_errors(form, refused)
            else:
                messages.success(request, _("Your draft is saved. Read it again, then publish it."))
                return redirect(proposal.get_absolute_url())
    else:
        form = ProposalForm(initial={"title": request.GET.get("title", "")}, categories=categories)
    context = {"form": form, "check": check, "similar": similar, "allowed": allowed, "why_not": why_not}
    if request.htmx and request.method == "GET" and "title" in request.GET:
        return _form_page(request, "proposals/includes/similar.html", context)
    return _form_page(request, "proposals/new.html", context, refused=request.method == "POST")


def _nearest_address(jurisdiction, proposal: Proposal) -> tuple[str, int] | None:
    """A point picked on the map or typed as coordinates: the nearest address the gazetteer knows."""
    if proposal.latitude is None or proposal.address:
        return None
    return nearest_address(jurisdiction, Point(proposal.latitude, proposal.longitude))


def _proposal(request, pk: int) -> Proposal:
    proposal = queries.proposal_for(request.component, pk)
    if proposal is None:
        raise Http404(_("No such proposal."))
    if proposal.status == Proposal.Status.DRAFT and proposal.author_id != request.user.pk:
        raise Http404(_("No such proposal."))
    if proposal.status == Proposal.Status.HELD and proposal.author_id != request.user.pk and not _is_moderator(request):
        raise Http404(_("No such proposal."))
    return proposal


def _is_moderator(request) -> bool:
    return has_role(request.user, request.jurisdiction, Role.MODERATOR, Role.ADMIN, process=request.process)


def _detail_context(request, proposal: Proposal, alert: str = "") -> dict:
    may_support, why_not = component_action_allowed(request.user, proposal.component, "support")
    threshold = queries.support_threshold(proposal.component)
    return {
        "process": request.process,
        "component": request.component,
        "proposal": proposal,
        "body": render_markdown(proposal.body),
        "goals": queries.goals_of(proposal),
        "threshold": threshold,
        "progress": min(100, proposal.support_count * 100 // threshold),
        "supported": queries.has_supported(request.user, proposal),
        "may_support": may_support,
        "why_not": why_not,
        "is_author": request.user.is_authenticated and proposal.author_id == request.user.pk,
        "is_moderator": _is_moderator(request),
        "map": map_context([proposal], map_id="proposal-map"),
        "nearest_address": _nearest_address(request.jurisdiction, proposal),
        "merged_duplicates": queries.merged_into(proposal),
        "attachments": attachments_of(proposal),
        "answers": [(entry, render_markdown(entry.group.answer)) for entry in queries.answers_of(proposal)],
        "alert": alert,
    }


def proposal_detail(request, pk: int):
    proposal = _proposal(request, pk)
    return render(request, "proposals/detail.html", _detail_context(request, proposal))


def _act(request, pk: int, act, done: str):
    """Run one button's operation; on refusal, show the proposal again with the reason (400 or 403)."""
    proposal = _proposal(request, pk)
    try:
        act(proposal)
    except PermissionDenied as refused:
        return render(request, "proposals/detail.html", _detail_context(request, proposal, str(refused)), status=403)
    except ValidationError as refused:
        alert = " ".join(refused.messages)
        return render(request, "proposals/detail.html", _detail_context(request, proposal, alert), status=400)
    messages.success(request, done)
    return redirect(proposal.get_absolute_url())


@require_POST
def publish(request, pk: int):
    proposal = _proposal(request, pk)
    try:
        operations.publish_proposal(actor=request.user, proposal=proposal)
    except (PermissionDenied, ValidationError) as refused:
        alert = str(refused) if isinstance(refused, PermissionDenied) else " ".join(refused.messages)
        status = 403 if isinstance(refused, PermissionDenied) else 400
        return render(request, "proposals/detail.html", _detail_context(request, proposal, alert), status=status)
    if proposal.status == Proposal.Status.HELD:
        messages.warning(
            request, _("A moderator will read it before it is published (%(why)s).") % {"why": proposal.held_reason}
        )
    else:
        messages.success(request, _("Published."))
    return redirect(proposal.get_absolute_url())


@require_POST
def release(request, pk: int):
    return _act(request, pk, lambda p: operations.release_proposal(actor=request.user, proposal=p), _("Published."))


def moderation_queue(request):
    """What waits for a moderator: proposals and debates held because they looked like spam, and reported comments
    on the component's content; bulk actions on all three."""
    if not _is_moderator(request):
        raise PermissionDenied(_("You do not have the role needed for this."))
    proposals, debates = queries.held_for_review(request.component)
    comments = list(queries.reported_comments(request.component)[:200])
    form = BulkModerationForm(request.POST or None, proposals=proposals, debates=debates, comments=comments)
    if request.method == "POST" and form.is_valid():
        try:
            done = operations.moderate_in_bulk(
                actor=request.user,
                component=request.component,
                action=form.cleaned_data["action"],
                proposal_ids=form.cleaned_data.get("proposals", []),
                debate_ids=form.cleaned_data.get("debates", []),
                comment_ids=form.cleaned_data.get("comments", []),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(
                request,
                _("Done: %(proposals)s proposals, %(debates)s debates and %(comments)s comments.")
                % {"proposals": done.proposals, "debates": done.debates, "comments": done.comments},
            )
            return redirect(f"{request.component.get_absolute_url()}moderation/")
    context = {
        "proposals": proposals,
        "debates": debates,
        "comments": comments,
        "form": form,
        "blocked": blocked_accounts(request.jurisdiction),
        "may_block": _may_block(request),
    }
    return _form_page(request, "proposals/moderation.html", context, refused=request.method == "POST")


def _may_block(request) -> bool:
    return has_role(request.user, request.jurisdiction, Role.MODERATOR, Role.ADMIN)


def block(request, user_id: int):
    """A jurisdiction moderator blocks an account: no more writing here, its proposals and debates hidden."""
    if not _may_block(request):
        raise PermissionDenied(_("You do not have the role needed for this."))
    account = get_object_or_404(get_user_model(), pk=user_id)
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.block_account(
                actor=request.user, jurisdiction=request.jurisdiction, user=account, reason=form.cleaned_data["reason"]
            )
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The account is blocked; its proposals and debates are hidden."))
            return redirect(f"{request.component.get_absolute_url()}moderation/")
    return _form_page(
        request, "proposals/block.html", {"form": form, "account": account}, refused=request.method == "POST"
    )


@require_POST
def unblock(request, user_id: int):
    if not _may_block(request):
        raise PermissionDenied(_("You do not have the role needed for this."))
    account = get_object_or_404(get_user_model(), pk=user_id)
    try:
        moderation.unblock_account(actor=request.user, jurisdiction=request.jurisdiction, user=account)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("The account can write again; what the block hid is shown again."))
    return redirect(f"{request.component.get_absolute_url()}moderation/")


@require_POST
def support(request, pk: int):
    """The hot path: one row read, then the operation; on refusal the full page is built with the reason."""
    proposal = queries.proposal_row(request.component, pk)
    if proposal is None or proposal.status in (Proposal.Status.DRAFT, Proposal.Status.HELD):
        proposal = _proposal(request, pk)  # the same 404s as the proposal's page
    try:
        operations.support_proposal(actor=request.user, proposal=proposal)
    except PermissionDenied as refused:
        page = _detail_context(request, _proposal(request, pk), str(refused))
        return render(request, "proposals/detail.html", page, status=403)
    except ValidationError as refused:
        page = _detail_context(request, _proposal(request, pk), " ".join(refused.messages))
        return render(request, "proposals/detail.html", page, status=400)
    messages.success(request, _("Thank you: your support is counted."))
    return redirect(proposal.get_absolute_url())


@require_POST
def withdraw(request, pk: int):
    return _act(
        request, pk, lambda p: operations.withdraw_proposal(actor=request.user, proposal=p), _("Proposal withdrawn.")
    )


@require_POST
def archive(request, pk: int):
    return _act(
        request, pk, lambda p: operations.archive_proposal(actor=request.user, proposal=p), _("Proposal archived.")
    )


@require_POST
def expert(request, pk: int):
    is_expert = request.POST.get("is_expert") == "1"
    return _act(
        request,
        pk,
        lambda p: operations.set_expert(actor=request.user, proposal=p, is_expert=is_expert),
        _("Saved."),
    )


def edit_proposal(request, pk: int):
    proposal = _proposal(request, pk)
    categories = queries.categories_of(request.component)
    if request.method == "POST":
        form = ProposalForm(request.POST, categories=categories, jurisdiction=request.jurisdiction)
        if form.is_valid():
            try:
                operations.update_proposal(actor=request.user, proposal=proposal, text=form.proposal_text())
            except PermissionDenied as refused:
                form.add_error(None, str(refused))
            except ValidationError as refused:
                _add_errors(form, refused)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(proposal.get_absolute_url())
    else:
        if proposal.author_id != request.user.pk:
            raise PermissionDenied(_("Only the proposal's author can do this."))
        initial = ProposalForm.initial_for(proposal, queries.goals_of(proposal))
        form = ProposalForm(initial=initial, categories=categories)
    context = {"form": form, "proposal": proposal}
    return _form_page(request, "proposals/edit.html", context, refused=request.method == "POST")


def attach(request, pk: int):
    """The author adds an image or a document; a refused file is said next to the field, nothing kept."""
    proposal = _proposal(request, pk)
    if proposal.author_id != request.user.pk:
        raise PermissionDenied(_("Only the proposal's author can do this."))
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.attach_to_proposal(
                actor=request.user,
                proposal=proposal,
                upload=form.cleaned_data["upload"],
                title=form.cleaned_data["title"],
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(proposal.get_absolute_url())
    context = {"form": form, "proposal": proposal, "attachments": attachments_of(proposal)}
    return _form_page(request, "proposals/attach.html", context, refused=request.method == "POST")


def hide(request, pk: int):
    proposal = _proposal(request, pk)
    if not _is_moderator(request):
        raise PermissionDenied(_("You do not have the role needed for this."))
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.hide_proposal(actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"])
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The proposal is hidden; the reason is public."))
            return redirect(proposal.get_absolute_url())
    return _form_page(
        request, "proposals/hide.html", {"form": form, "proposal": proposal}, refused=request.method == "POST"
    )


def merge(request, pk: int):
    """A moderator merges this duplicate into the proposal to keep (the similar ones are suggested)."""
    proposal = _proposal(request, pk)
    if not _is_moderator(request):
        raise PermissionDenied(_("You do not have the role needed for this."))
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kept = queries.proposal_for(request.component, form.cleaned_data["into"])
        if kept is None:
            form.add_error("into", _("No proposal of this process has this number."))
        else:
            try:
                operations.merge_proposals(
                    actor=request.user, duplicate=proposal, kept=kept, reason=form.cleaned_data["reason"]
                )
            except ValidationError as refused:
                _add_errors(form, refused)
            else:
                messages.success(request, _("Merged: the supports now count on the proposal kept."))
                return redirect(kept.get_absolute_url())
    similar = [p for p in queries.similar_proposals(request.component, proposal.title) if p.pk != proposal.pk]
    context = {"form": form, "proposal": proposal, "similar": similar}
    return _form_page(request, "proposals/merge.html", context, refused=request.method == "POST")


def debate_index(request):
    component = request.component
    page = Paginator(queries.debates_of(component), PAGE_SIZE).get_page(request.GET.get("page"))
    may_debate, why_not = component_action_allowed(request.user, component, "debate")
    context = {"page": page, "may_debate": may_debate, "why_not": why_not}
    return _form_page(request, "proposals/debate_index.html", context)


def new_debate(request):
    component = request.component
    allowed, why_not = component_action_allowed(request.user, component, "debate")
    form = DebateForm(request.POST or None)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            debate = operations.start_debate(actor=request.user, component=component, **form.cleaned_data)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            if debate.held_reason:
                messages.warning(
                    request,
                    _("A moderator will read it before it is published (%(why)s).") % {"why": debate.held_reason},
                )
            return redirect(debate.get_absolute_url())
    context = {"form": form, "allowed": allowed, "why_not": why_not}
    return _form_page(request, "proposals/debate_new.html", context, refused=request.method == "POST")


def _debate(request, pk: int):
    debate = queries.debate_for(request.component, pk)
    if debate is None:
        raise Http404(_("No such debate."))
    if (
        (debate.held_reason or debate.hidden_reason)
        and debate.author_id != request.user.pk
        and not _is_moderator(request)
    ):
        raise Http404(_("No such debate."))
    return debate


def hide_debate(request, pk: int):
    debate = _debate(request, pk)
    if not _is_moderator(request):
        raise PermissionDenied(_("You do not have the role needed for this."))
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.hide_debate(actor=request.user, debate=debate, reason=form.cleaned_data["reason"])
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The debate is hidden; the reason is public."))
            return redirect(f"{request.component.get_absolute_url()}moderation/")
    return _form_page(
        request, "proposals/debate_hide.html", {"form": form, "debate": debate}, refused=request.method == "POST"
    )


@require_POST
def release_debate(request, pk: int):
    debate = _debate(request, pk)
    try:
        operations.release_debate(actor=request.user, debate=debate)
    except PermissionDenied as refused:
        return _debate_page(request, debate, str(refused), status=403)
    except ValidationError as refused:
        return _debate_page(request, debate, " ".join(refused.messages), status=400)
    messages.success(request, _("Published."))
    return redirect(debate.get_absolute_url())


def _debate_page(request, debate, alert: str = "", status: int = 200):
    may_opine, why_not = component_action_allowed(request.user, debate.component, "opine")
    context = {
        "debate": debate,
        "body": render_markdown(debate.body),
        "position": queries.position_of(request.user, debate),
        "is_moderator": _is_moderator(request),
        "may_opine": may_opine,
        "why_not": why_not,
        "alert": alert,
    }
    return render(
        request,
        "proposals/debate_detail.html",
        {"process": request.process, "component": request.component, **context},
        status=status,
    )


def debate_detail(request, pk: int):
    return _debate_page(request, _debate(request, pk))


@require_POST
def debate_vote(request, pk: int):
    debate = _debate(request, pk)
    form = DebateVoteForm(request.POST)
    position = form.cleaned_data["position"] if form.is_valid() else ""
    try:
        operations.vote_on_debate(actor=request.user, debate=debate, position=position)
    except PermissionDenied as refused:
        return _debate_page(request, debate, str(refused), status=403)
    except ValidationError as refused:
        return _debate_page(request, debate, " ".join(refused.messages), status=400)
    messages.success(request, _("Your position is counted."))
    return redirect(debate.get_absolute_url())


def _may_synthesise(request) -> bool:
    return has_role(request.user, request.jurisdiction, *operations.SYNTHESIS_ROLES, process=request.process)


def synthesis_index(request):
    context = {"syntheses": queries.syntheses_of(request.component), "may_synthesise": _may_synthesise(request)}
    return _form_page(request, "proposals/synthesis_index.html", context)


def synthesis_detail(request, pk: int):
    synthesis = queries.synthesis_for(request.component, pk)
    if synthesis is None:
        raise Http404(_("No such synthesis."))
    groups = [(group, render_markdown(group.answer)) for group in synthesis.groups.all()]
    context = {
        "synthesis": synthesis,
        "introduction": render_markdown(synthesis.introduction),
        "groups": groups,
        "may_edit": _may_synthesise(request),
    }
    return _form_page(request, "proposals/synthesis_detail.html", context)


def edit_synthesis(request, pk: int):
    """An official corrects the synthesis's words; the previous text stays in the public audit log."""
    synthesis = queries.synthesis_for(request.component, pk)
    if synthesis is None:
        raise Http404(_("No such synthesis."))
    if not _may_synthesise(request):
        raise PermissionDenied(_("You do not have the role needed for this."))
    groups = list(synthesis.groups.all())
    form = SynthesisEditForm(
        request.POST or None, initial={"title": synthesis.title, "introduction": synthesis.introduction}
    )
    formset = SynthesisGroupEditFormSet(
        request.POST or None, prefix="group", initial=[{"title": g.title, "answer": g.answer} for g in groups]
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        edit = operations.SynthesisEdit(
            title=form.cleaned_data["title"],
            introduction=form.cleaned_data["introduction"],
            groups=[(f.cleaned_data["title"], f.cleaned_data["answer"]) for f in formset],
        )
        try:
            operations.edit_synthesis(actor=request.user, synthesis=synthesis, edit=edit)
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The synthesis is corrected; the previous text is in the public record."))
            return redirect(synthesis.get_absolute_url())
    context = {"form": form, "formset": formset, "synthesis": synthesis, "groups": groups}
    return _form_page(request, "proposals/synthesis_edit.html", context, refused=request.method == "POST")


def regroup_synthesis(request, pk: int):
    """An official moves proposals between a published synthesis's groups, adds or removes groups; the groupings
    before and after stay in the public audit log."""
    synthesis = queries.synthesis_for(request.component, pk)
    if synthesis is None:
        raise Http404(_("No such synthesis."))
    if not _may_synthesise(request):
        raise PermissionDenied(_("You do not have the role needed for this."))
    initial = [
        {
            "group": g.pk,
            "title": g.title,
            "answer": g.answer,
            "proposals": ", ".join(str(e.proposal_id) for e in g.entries.all()),
        }
        for g in synthesis.groups.all()
    ]
    form = SynthesisRegroupForm(request.POST or None)
    formset = SynthesisRegroupFormSet(request.POST or None, prefix="group", initial=initial)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        groups = [
            operations.RegroupedGroup(
                group_id=f.cleaned_data.get("group"),
                title=f.cleaned_data["title"],
                answer=f.cleaned_data["answer"],
                proposal_ids=f.cleaned_data["proposals"],
            )
            for f in formset
            if not f.is_dropped
        ]
        try:
            operations.regroup_synthesis(
                actor=request.user, synthesis=synthesis, groups=groups, reason=form.cleaned_data["reason"]
            )
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The synthesis is regrouped; the previous groupings are in the public record."))
            return redirect(synthesis.get_absolute_url())
    context = {
        "form": form,
        "formset": formset,
        "synthesis": synthesis,
        "proposals": queries.answerable_proposals(request.component),
    }
    return _form_page(request, "proposals/synthesis_regroup.html", context, refused=request.method == "POST")


def _group_texts(formset) -> list[operations.SynthesisGroupText]:
    return [
        operations.SynthesisGroupText(
            title=form.cleaned_data["title"],
            answer=form.cleaned_data["answer"],
            proposal_ids=form.cleaned_data["proposals"],
        )
        for form in formset
        if not form.is_blank
    ]


def _more_groups(request, phases):
    """The "more groups" button: the same form again, what was typed kept, three more empty groups (no errors yet)."""
    data = request.POST
    form = SynthesisForm(
        initial={name: data.get(name, "") for name in ("title", "introduction", "phase")}, phases=phases
    )
    total = data.get("group-TOTAL_FORMS", "")
    typed = min(int(total), 100) if total.isdigit() else 0
    names = ("title", "answer", "proposals")
    initial = [{name: data.get(f"group-{n}-{name}", "") for name in names} for n in range(typed)]
    rows = min(typed + 3, 100)
    formset = SynthesisGroupFormSet(prefix="group", initial=initial + [{}] * (rows - typed))
    context = {
        "form": form,
        "formset": formset,
        "proposals": queries.answerable_proposals(request.component),
        "more_rows": rows + 3,
    }
    return _form_page(request, "proposals/synthesis_new.html", context)


def new_synthesis(request):
    """An official groups the proposals and answers each group; without JavaScript, ?groups=N gives more rows."""
    if not _may_synthesise(request):
        raise PermissionDenied(_("You do not have the role needed for this."))
    phases = list(request.process.phases.all())
    if request.method == "POST" and "more" in request.POST:
        return _more_groups(request, phases)
    form = SynthesisForm(request.POST or None, phases=phases)
    asked = request.GET.get("groups", "")
    rows = min(int(asked), 100) if asked.isdigit() and int(asked) > 0 else 3
    formset = SynthesisGroupFormSet(request.POST or None, prefix="group", initial=[{}] * rows)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        phase = next((p for p in phases if p.pk == form.cleaned_data["phase"]), None)
        try:
            synthesis = operations.publish_synthesis(
                actor=request.user,
                component=request.component,
                phase=phase,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
                groups=_group_texts(formset),
            )
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, _("The synthesis is published."))
            return redirect(synthesis.get_absolute_url())
    context = {
        "form": form,
        "formset": formset,
        "proposals": queries.answerable_proposals(request.component),
        "more_rows": rows + 3,
    }
    return _form_page(request, "proposals/synthesis_new.html", context, refused=request.method == "POST")
