"""The proposals component's JSON API, mounted at /api/v1/proposals/: public reads, supports by token."""

from datetime import datetime
from typing import Annotated

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from ninja import Field, Path, Query, Router, Schema, Status

from plaza.core.api.auth import PUBLIC_READ, SIGNED_IN
from plaza.core.api.pagination import Pagination
from plaza.core.api.schemas import SLUG_PATTERN
from plaza.core.models import Attachment, Jurisdiction
from plaza.core.tenancy import jurisdiction_or_404, jurisdiction_scope
from plaza.proposals import operations, queries
from plaza.proposals.models import Proposal

router = Router(tags=["proposals"])

Slug = Annotated[str, Path(..., pattern=SLUG_PATTERN, max_length=80)]


class AttachmentOut(Schema):
    title: str
    file_name: str
    mime_type: str
    size: int = Field(..., description="Bytes")
    url: str

    @staticmethod
    def resolve_file_name(obj) -> str:
        return obj.original_name

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ProposalOut(Schema):
    id: int
    process: str
    component: str
    title: str
    summary: str
    body: str
    category: str
    tags: list[str]
    status: str
    author: str = Field(..., description="The author's public name")
    on_behalf_of: str
    is_expert: bool
    latitude: float | None
    longitude: float | None
    address: str = Field("", description="The address typed for the location, as geocoded")
    video_url: str
    supports: int
    comments: int
    published_at: datetime | None
    threshold_reached_at: datetime | None
    merged_into: int | None = Field(None, description="The proposal this duplicate was merged into")
    attachments: list[AttachmentOut] = Field(..., description="Its images and documents, to download")
    url: str

    @staticmethod
    def resolve_attachments(obj: Proposal) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_merged_into(obj: Proposal) -> int | None:
        return obj.merged_into_id

    @staticmethod
    def resolve_process(obj: Proposal) -> str:
        return obj.component.process.slug

    @staticmethod
    def resolve_component(obj: Proposal) -> str:
        return obj.component.slug

    @staticmethod
    def resolve_tags(obj: Proposal) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_author(obj: Proposal) -> str:
        return obj.author_name

    @staticmethod
    def resolve_supports(obj: Proposal) -> int:
        return obj.support_count

    @staticmethod
    def resolve_comments(obj: Proposal) -> int:
        return obj.comments_count

    @staticmethod
    def resolve_url(obj: Proposal) -> str:
        return obj.get_absolute_url()


class DebateOut(Schema):
    id: int
    process: str
    component: str
    title: str
    body: str
    author: str
    agree: int
    disagree: int
    comments: int
    created_at: datetime
    url: str

    @staticmethod
    def resolve_process(obj) -> str:
        return obj.component.process.slug

    @staticmethod
    def resolve_component(obj) -> str:
        return obj.component.slug

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author_name

    @staticmethod
    def resolve_agree(obj) -> int:
        return obj.agree_count

    @staticmethod
    def resolve_disagree(obj) -> int:
        return obj.disagree_count

    @staticmethod
    def resolve_comments(obj) -> int:
        return obj.comments_count

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ProposalPage(Schema):
    items: list[ProposalOut]
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None


class DebatePage(Schema):
    items: list[DebateOut]
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None


class SynthesisGroupOut(Schema):
    position: int
    title: str
    answer: str = Field(..., description="The official answer to the group, in Markdown")
    proposals: list[int] = Field(..., description="Ids of the public proposals this answer covers")

    @staticmethod
    def resolve_proposals(obj) -> list[int]:
        return [e.proposal_id for e in obj.entries.all() if e.proposal.status in queries.PUBLIC_STATUSES]


class SynthesisOut(Schema):
    id: int
    process: str
    component: str
    phase: str | None
    title: str
    introduction: str
    published_at: datetime
    groups: list[SynthesisGroupOut]
    url: str

    @staticmethod
    def resolve_process(obj) -> str:
        return obj.component.process.slug

    @staticmethod
    def resolve_component(obj) -> str:
        return obj.component.slug

    @staticmethod
    def resolve_phase(obj) -> str | None:
        return obj.phase.title if obj.phase else None

    @staticmethod
    def resolve_groups(obj) -> list:
        return list(obj.groups.all())

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class SynthesisPage(Schema):
    items: list[SynthesisOut]
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None


class SupportOut(Schema):
    proposal: int
    supports: int
    status: str


def _with_attachments(jurisdiction: Jurisdiction, found):
    attachments = Attachment.objects.with_scope(jurisdiction=jurisdiction).select_related("jurisdiction")
    return found.prefetch_related(Prefetch("attachments", queryset=attachments))


def _public_proposal(jurisdiction: Jurisdiction, pk: int) -> Proposal:
    found = _with_attachments(jurisdiction, queries.public_proposals(jurisdiction)).filter(pk=pk).first()
    if found is None:
        raise Http404("No such proposal.")
    return found


def _page(request, found, paging: Pagination.Input) -> dict:
    """Paginated inside the jurisdiction's scope: the slice and the count run here, not after return."""
    return Pagination().paginate_queryset(found, paging, request)


@router.get("/{slug}/proposals", response=ProposalPage, openapi_extra=PUBLIC_READ)
def list_proposals(
    request,
    slug: Slug,
    paging: Query[Pagination.Input],
    process: Annotated[str | None, Query(None, pattern=SLUG_PATTERN, max_length=80)] = None,
    status: Proposal.Status | None = None,
):
    """The jurisdiction's public proposals (hidden ones left out), oldest first, with their support counts."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        found = _with_attachments(jurisdiction, queries.public_proposals(jurisdiction))
        if process:
            found = found.filter(component__process__slug=process)
        if status:
            found = found.filter(status=status)
        return _page(request, found, paging)


@router.get("/{slug}/proposals/{pk}", response=ProposalOut, openapi_extra=PUBLIC_READ)
def get_proposal(request, slug: Slug, pk: int):
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        return _public_proposal(jurisdiction, pk)


@router.post("/{slug}/proposals/{pk}/support", response={201: SupportOut}, auth=SIGNED_IN)
def support_proposal(request, response: HttpResponse, slug: Slug, pk: int):
    """Support a proposal as the person behind the token's account (a token with the write scope).

    A token's plain support is answered by the lean path (`lean.py`), with the same answer.
    """
    jurisdiction = jurisdiction_or_404(slug)
    request.auth.require_write(jurisdiction)
    with jurisdiction_scope(jurisdiction):
        proposal = queries.supportable(jurisdiction, pk)
        if proposal is None:
            raise Http404("No such proposal.")
        operations.support_proposal(actor=request.auth.user, proposal=proposal)
        # The count as committed (others' supports included), not the row read before the support.
        supports, status = Proposal.objects.filter(pk=pk).values_list("support_count", "status").get()
        response["Cache-Control"] = "no-store"
        return Status(201, {"proposal": pk, "supports": supports, "status": status})


@router.get("/{slug}/debates", response=DebatePage, openapi_extra=PUBLIC_READ)
def list_debates(request, slug: Slug, paging: Query[Pagination.Input]):
    """The jurisdiction's debates in published processes, oldest first."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        return _page(request, queries.public_debates(jurisdiction), paging)


@router.get("/{slug}/debates/{pk}", response=DebateOut, openapi_extra=PUBLIC_READ)
def get_debate(request, slug: Slug, pk: int):
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        found = queries.public_debates(jurisdiction).filter(pk=pk).first()
        if found is None:
            raise Http404("No such debate.")
        return found


@router.get("/{slug}/syntheses", response=SynthesisPage, openapi_extra=PUBLIC_READ)
def list_syntheses(request, slug: Slug, paging: Query[Pagination.Input]):
    """Official syntheses of proposals: groups, their written answers, and the proposals each answers."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        return _page(request, queries.public_syntheses(jurisdiction), paging)


@router.get("/{slug}/syntheses/{pk}", response=SynthesisOut, openapi_extra=PUBLIC_READ)
def get_synthesis(request, slug: Slug, pk: int):
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        found = queries.public_syntheses(jurisdiction).filter(pk=pk).first()
        if found is None:
            raise Http404("No such synthesis.")
        return found
