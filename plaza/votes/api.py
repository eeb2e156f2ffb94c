"""The votes API (mounted at /api/v1/votes/): votations with their questions, and published results."""

from datetime import datetime
from typing import Annotated

from django.http import Http404, HttpResponse
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from plaza.core.api.auth import PUBLIC_READ, SIGNED_IN
from plaza.core.api.pagination import Pagination
from plaza.core.api.schemas import SLUG_PATTERN
from plaza.core.models import Jurisdiction
from plaza.core.tenancy import jurisdiction_or_404, jurisdiction_scope
from plaza.votes import exports, operations, queries
from plaza.votes.models import Votation

router = Router(tags=["votes"])

Slug = Annotated[str, Path(..., pattern=SLUG_PATTERN, max_length=80)]


class OptionOut(Schema):
    key: str
    label: str


class QuestionOut(Schema):
    key: str
    text: str
    kind: str
    min_choices: int
    max_choices: int
    options: list[OptionOut]

    @staticmethod
    def resolve_options(obj) -> list:
        return list(obj.options.all())


class VotationOut(Schema):
    slug: str
    title: str
    description: str
    status: str
    opens_at: datetime
    closes_at: datetime
    channels: list[str]
    secret: bool
    district: str
    min_age: int | None
    url: str
    ballots_csv: str | None
    ballots_json: str | None
    questions: list[QuestionOut]

    @staticmethod
    def resolve_channels(obj: Votation) -> list[str]:
        return obj.channels()

    @staticmethod
    def resolve_secret(obj: Votation) -> bool:
        return obj.is_secret

    @staticmethod
    def resolve_url(obj: Votation) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_ballots_csv(obj: Votation) -> str | None:
        return exports.ballots_url(obj, "csv") if obj.is_closed else None

    @staticmethod
    def resolve_ballots_json(obj: Votation) -> str | None:
        return exports.ballots_url(obj, "json") if obj.is_closed else None

    @staticmethod
    def resolve_questions(obj: Votation) -> list:
        return list(obj.questions.all())


class OptionResultOut(Schema):
    key: str
    label: str
    count: int
    percent: str


class RoundOut(Schema):
    counts: dict[str, int]
    exhausted: int
    eliminated: str | None


class QuestionResultOut(Schema):
    key: str
    text: str
    answered: int
    invalid: int
    options: list[OptionResultOut]
    # Ranked questions only (docs/ballots-format.md): the rule, its rounds and the winner's option key.
    rule: str | None = None
    rounds: list[RoundOut] | None = None
    winner: str | None = None


class ChannelTurnoutOut(Schema):
    channel: str
    label: str
    voters: int


class DistrictTurnoutOut(Schema):
    district: str
    voters: int
    electorate: int
    percent: str


class GroupTurnoutOut(Schema):
    group: str
    voters: int
    electorate: int
    percent: str


class TimeTurnoutOut(Schema):
    at: datetime
    label: str
    voters: int


class OverTimeOut(Schema):
    unit: str  # "hour" or "day"
    rows: list[TimeTurnoutOut]


class TurnoutOut(Schema):
    electorate: int
    voters: int
    percent: str
    by_channel: list[ChannelTurnoutOut]
    by_district: list[DistrictTurnoutOut]
    by_age: list[GroupTurnoutOut]
    by_gender: list[GroupTurnoutOut]  # empty where the census has no gender
    over_time: OverTimeOut


class ResultsOut(Schema):
    votation: str
    ballots: int
    questions: list[QuestionResultOut]
    turnout: TurnoutOut


def _votation(jurisdiction: Jurisdiction, slug: str) -> Votation:
    try:
        return queries.votation_page(jurisdiction, slug)
    except Votation.DoesNotExist as missing:
        raise Http404("No such votation.") from missing


@router.get("/{slug}/votations", response=list[VotationOut], openapi_extra=PUBLIC_READ)
@paginate(Pagination)
def list_votations(request, slug: Slug):
    """The jurisdiction's published votations, the latest closing first, with their questions."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        return list(queries.votations_of(jurisdiction))


@router.get("/{slug}/votations/{votation}", response=VotationOut, openapi_extra=PUBLIC_READ)
def get_votation(request, slug: Slug, votation: Slug):
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        return _votation(jurisdiction, votation)


@router.get("/{slug}/votations/{votation}/results", response=ResultsOut, openapi_extra=PUBLIC_READ)
def get_results(request, slug: Slug, votation: Slug):
    """Counts by question and option and turnout by channel and district; 404 until the votation closes."""
    jurisdiction = jurisdiction_or_404(slug)
    with jurisdiction_scope(jurisdiction):
        found = _votation(jurisdiction, votation)
        if not found.is_closed:
            raise Http404("Results are published when the votation closes.")
        results = queries.results_of(found).as_dict()
        return {"votation": found.slug, **results, "turnout": queries.turnout_of(found)}


# --- Casting through the API: the same operations as the ballot page, the same guarantees ------------------------

Answers = dict[str, list[str]]


class BallotIn(Schema):
    answers: Answers = Field(
        ..., description='Question key → chosen option keys: {"q1": ["yes"]}; a ranked question in order of preference'
    )


class ChangeIn(BallotIn):
    change_code: str = Field(..., max_length=40, description="The change code given with the first ballot")


class ReceiptOut(Schema):
    votation: str
    receipt: str = Field(..., description="Shown once, never stored: it finds the ballot in the published file")
    change_code: str = Field(..., description="Empty unless the votation lets voters change their vote")


def _receipt(response: HttpResponse, receipt: operations.CastReceipt) -> dict:
    response["Cache-Control"] = "no-store"
    return {"votation": receipt.votation.slug, "receipt": receipt.code, "change_code": receipt.change_code}


@router.post("/{slug}/votations/{votation}/ballot", response={201: ReceiptOut}, auth=SIGNED_IN)
def cast_ballot(request, response: HttpResponse, slug: Slug, votation: Slug, body: BallotIn):
    """Cast the ballot of the person the account is verified as (a token with the write scope), once.

    A second ballot by the same person (any account, or at a booth) is refused with 422, as are
    answers that break a question's rules; nothing is written then.
    """
    found = queries.ballot_votation(slug, votation)  # one query for the jurisdiction, votation, questions, options
    if found is None:  # say what is missing (and refuse a read-only token first, as for a votation that exists)
        jurisdiction = jurisdiction_or_404(slug)
        request.auth.require_write(jurisdiction)
        with jurisdiction_scope(jurisdiction):
            found = _votation(jurisdiction, votation)
    jurisdiction = found.jurisdiction
    request.auth.require_write(jurisdiction)
    with jurisdiction_scope(jurisdiction):
        receipt = operations.cast_online(actor=request.auth.user, votation=found, answers=body.answers)
        return Status(201, _receipt(response, receipt))


@router.post("/{slug}/votations/{votation}/ballot/change", response=ReceiptOut, auth=SIGNED_IN)
def change_ballot(request, response: HttpResponse, slug: Slug, votation: Slug, body: ChangeIn):
    """Replace one's ballot with the change code, where the votation allows it; only the last counts."""
    jurisdiction = jurisdiction_or_404(slug)
    request.auth.require_write(jurisdiction)
    with jurisdiction_scope(jurisdiction):
        found = _votation(jurisdiction, votation)
        receipt = operations.change_online(
            actor=request.auth.user, votation=found, change_code=body.change_code, answers=body.answers
        )
        return _receipt(response, receipt)
