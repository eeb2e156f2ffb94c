"""Every write of the votes app: setting up votations and booths, casting ballots, booth totals.

Casting goes through `plaza.core.roll.cast_once`: the person goes on the roll and the anonymous
ballot is written in one transaction, exactly once (its docstring gives the argument).
"""

import functools
import hmac
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import wraps

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import router, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plaza.core import sms
from plaza.core.audit import record
from plaza.core.census import document_hash
from plaza.core.models import Booth, BoothTotal, CensusRecord, ComponentInstance, Jurisdiction, Person, Role
from plaza.core.operations.api_tokens import token_use_sql
from plaza.core.operations.booths import add_booths, report_booth_total
from plaza.core.operations.identity import census_record_matching, verify_in_person
from plaza.core.operations.notifications import absolute_url
from plaza.core.permissions import component_action_allowed, has_role, require_role
from plaza.core.prepared import prepared_cursor
from plaza.core.queries.api_tokens import holder_params, holder_sql
from plaza.core.roll import AlreadyVoted, Channel, VoterRollEntry, cast_once_rows, first_vote_sql, has_voted
from plaza.core.search import index_object
from plaza.core.tenancy import jurisdiction_scope
from plaza.votes import electorate, queries
from plaza.votes.electorate import ineligibility, person_of
from plaza.votes.models import AccessCode, Ballot, Option, Question, Votation
from plaza.votes.receipts import access_code_hash, new_access_code, new_receipt_code, receipt_hash


def yes_no_options() -> list[tuple[str, str]]:
    return [("yes", _("Yes")), ("no", _("No")), ("abstain", _("Abstain"))]


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    kind: str = Question.Kind.SINGLE
    options: tuple[str, ...] = ()
    min_choices: int = 1
    max_choices: int = 1


@dataclass(frozen=True)
class CastReceipt:
    """What the voter takes home: the codes (shown once, never stored) and the votation.

    `change_code` is set only when the votation lets voters change their vote: whoever holds it
    can replace this ballot until closing (docs/secret-ballot.md).
    """

    votation: Votation
    code: str
    change_code: str = ""


def _in_scope(jurisdiction_of: Callable[[dict], Jurisdiction]):
    """Run the operation inside the jurisdiction's scope (it is called from views, the API, seeds and tests)."""

    def decorate(operation):
        @wraps(operation)
        def scoped(**kwargs):
            with jurisdiction_scope(jurisdiction_of(kwargs)):
                return operation(**kwargs)

        return scoped

    return decorate


# --- Setting up -------------------------------------------------------------------------------


def _check_setup(*, opens_at: datetime, closes_at: datetime, online: bool, booth: bool, questions) -> None:
    errors = {}
    if closes_at <= opens_at:
        errors["closes_at"] = _("The votation must close after it opens.")
    if not (online or booth):
        errors["online"] = _("Choose at least one way to vote: online or at polling booths.")
    if questions is not None:
        problem = _question_problem(questions)
        if problem:
            errors["questions"] = problem
    if errors:
        raise ValidationError(errors)


def _question_problem(questions: list[QuestionSpec]) -> str:
    if not questions:
        return _("Ask at least one question.")
    for number, spec in enumerate(questions, start=1):
        if spec.kind == Question.Kind.YES_NO:
            continue
        options = [o for o in spec.options if o.strip()]
        if len(options) < 2:
            return _("Question %(n)s needs at least two options.") % {"n": number}
        if len(set(options)) != len(options):
            return _("Question %(n)s lists the same option twice.") % {"n": number}
        if spec.kind == Question.Kind.RANKED and not 1 <= spec.min_choices <= _most_ranked(spec) <= len(options):
            return _("Question %(n)s: rank between 1 and %(count)s options, the minimum not above the maximum.") % {
                "n": number,
                "count": len(options),
            }
        if spec.kind == Question.Kind.MULTIPLE and not 1 <= spec.min_choices <= spec.max_choices <= len(options):
            return _("Question %(n)s: choose between 1 and %(count)s options, the minimum not above the maximum.") % {
                "n": number,
                "count": len(options),
            }
    return ""


def _most_ranked(spec: QuestionSpec) -> int:
    """How many options a ranked question lets a voter rank: all of them unless the admin set a smaller maximum."""
    options = len([o for o in spec.options if o.strip()])
    return spec.max_choices if spec.max_choices > 1 else options


def _write_questions(votation: Votation, questions: list[QuestionSpec]) -> None:
    Question.objects.with_scope(jurisdiction=votation.jurisdiction).filter(votation=votation).delete()
    for position, spec in enumerate(questions, start=1):
        single = spec.kind not in (Question.Kind.MULTIPLE, Question.Kind.RANKED)
        most = _most_ranked(spec) if spec.kind == Question.Kind.RANKED else spec.max_choices
        question = Question.objects.create(
            jurisdiction=votation.jurisdiction,
            votation=votation,
            position=position,
            text=spec.text.strip(),
            kind=spec.kind,
            min_choices=1 if single else spec.min_choices,
            max_choices=1 if single else most,
        )
        if spec.kind == Question.Kind.YES_NO:
            labels = yes_no_options()
        else:
            labels = [(f"o{n}", text.strip()) for n, text in enumerate([o for o in spec.options if o.strip()], 1)]
        Option.objects.bulk_create(
            Option(jurisdiction=votation.jurisdiction, question=question, position=n, key=key, label=label)
            for n, (key, label) in enumerate(labels, start=1)
        )


def _write_booths(votation: Votation, names) -> None:
    try:
        add_booths(jurisdiction=votation.jurisdiction, election_key=votation.election_key, names=names)
    except ValidationError as error:
        raise ValidationError({"booths": error.messages}) from error


@_in_scope(lambda kw: kw["jurisdiction"])
def create_votation(
    *,
    actor,
    jurisdiction: Jurisdiction,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    questions: list[QuestionSpec],
    slug: str = "",
    description: str = "",
    online: bool = True,
    booth: bool = False,
    is_secret: bool = True,
    allows_changes: bool = False,
    district: str = "",
    min_age: int | None = None,
    booths: tuple[str, ...] = (),
    component: ComponentInstance | None = None,
    is_published: bool = True,
) -> Votation:
    """A jurisdiction admin sets up a votation (published at once unless a draft; it opens at `opens_at`).

    An official may make a draft (sending a proposal to a vote); only an admin publishes it.
    """
    require_role(actor, jurisdiction, *((Role.ADMIN,) if is_published else (Role.ADMIN, Role.OFFICIAL)))
    _check_setup(opens_at=opens_at, closes_at=closes_at, online=online, booth=booth, questions=questions)
    slug = slug or slugify(title)[:80]
    votations = Votation.objects.with_scope(jurisdiction=jurisdiction)
    if not slug or slug in RESERVED_SLUGS or votations.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another votation already uses this address.")})
    with transaction.atomic():
        votation = votations.create(
            jurisdiction=jurisdiction,
            component=component,
            slug=slug,
            title=title,
            description=description,
            opens_at=opens_at,
            closes_at=closes_at,
            online=online,
            booth=booth,
            is_secret=is_secret,
            allows_changes=allows_changes,
            district=district,
            min_age=min_age,
            is_published=is_published,
        )
        _write_questions(votation, questions)
        _write_booths(votation, booths)
        record(jurisdiction=jurisdiction, actor=actor, action="votes.create", target=votation, public=True)
        index_object(votation)
    return votation


# Addresses under /<j>/votes/ that are not votations.
RESERVED_SLUGS = frozenset({"new", "export"})

# Fields an admin may still change once the votation has opened: words, never rules.
WORDING_FIELDS = ("title", "description")
RULE_FIELDS = (
    "opens_at", "closes_at", "online", "booth", "is_secret", "allows_changes", "district", "min_age", "is_published"
)  # fmt: skip


def rules_may_change(votation: Votation) -> bool:
    """Before it opens, or while it is a draft nobody can vote in, a votation's rules and questions may change."""
    return not votation.is_published or votation.status == Votation.Status.UPCOMING


@_in_scope(lambda kw: kw["votation"].jurisdiction)
def update_votation(
    *, actor, votation: Votation, questions: list[QuestionSpec] | None = None, booths=(), **changes
) -> Votation:
    """Change a votation; its rules and questions only before it opens (a draft, unpublished, changes freely)."""
    require_role(actor, votation.jurisdiction, Role.ADMIN)
    unknown = set(changes) - set(WORDING_FIELDS) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"update_votation does not change {sorted(unknown)}")
    changed_rules = {f for f in RULE_FIELDS if f in changes and changes[f] != getattr(votation, f)}
    if not rules_may_change(votation) and (changed_rules or questions is not None):
        raise ValidationError(_("This votation has opened: only its title and description can still change."))
    after = {f: changes.get(f, getattr(votation, f)) for f in RULE_FIELDS}
    _check_setup(
        opens_at=after["opens_at"], closes_at=after["closes_at"], online=after["online"], booth=after["booth"],
        questions=questions,
    )  # fmt: skip
    with transaction.atomic():
        for name, value in changes.items():
            setattr(votation, name, value)
        votation.save()
        if questions is not None:
            _write_questions(votation, questions)
        _write_booths(votation, booths)
        record(
            jurisdiction=votation.jurisdiction,
            actor=actor,
            action="votes.update",
            target=votation,
            data={"changed": sorted(set(changes) & (set(WORDING_FIELDS) | changed_rules))},
            public=True,
        )
        index_object(votation)
    return votation


# --- From other content (core's "decision" link) ---------------------------------------------

# A draft made from a proposal opens this long after it is made, for this long, unless the admin says otherwise.
DRAFT_OPENS_AFTER = timedelta(days=30)
DRAFT_LASTS = timedelta(days=14)


def votation_from_content(*, actor, source, component: ComponentInstance, note: str = "") -> Votation:
    """Core's `send_to` target for kind "decision": a draft votation asking yes/no/abstain on `source`.

    The draft is unpublished (nobody but admins sees it, nobody can vote) until an admin sets its
    times and electorate and publishes it; core records the link in the same transaction.
    """
    title = str(getattr(source, "title", "") or source).strip()[:180]
    opens_at = (timezone.now() + DRAFT_OPENS_AFTER).replace(minute=0, second=0, microsecond=0)
    votation = create_votation(
        actor=actor,
        jurisdiction=component.jurisdiction,
        component=component,
        title=title,
        slug=_free_slug(component.jurisdiction, slugify(title)[:70] or "votation"),
        description=note,
        opens_at=opens_at,
        closes_at=opens_at + DRAFT_LASTS,
        questions=[QuestionSpec(text=_("Do you approve “%(title)s”?") % {"title": title}, kind=Question.Kind.YES_NO)],
        is_published=False,
    )
    return votation


def _free_slug(jurisdiction: Jurisdiction, base: str) -> str:
    taken = (
        set(
            Votation.objects.with_scope(jurisdiction=jurisdiction)
            .filter(slug__startswith=base)
            .values_list("slug", flat=True)
        )
        | RESERVED_SLUGS
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- Casting ----------------------------------------------------------------------------------


def _questions_and_options(votation: Votation) -> list[tuple[Question, list[str]]]:
    """The votation's questions, each with its option keys in order. Worked out once per object when the questions
    were prefetched (a snapshot already; the lean ballot path keeps such an object for many requests)."""
    kept = votation.__dict__.get("_questions_and_options")
    if kept is not None:
        return kept
    rules = [(q, [o.key for o in q.options.all()]) for q in votation.questions.all()]
    if "questions" in getattr(votation, "_prefetched_objects_cache", {}):
        votation.__dict__["_questions_and_options"] = rules
    return rules


def check_answers(votation: Votation, answers: dict[str, list[str]]) -> dict[str, list[str]]:
    """The answers as they will be stored, or a ValidationError naming each question's problem."""
    errors, clean = {}, {}
    questions = _questions_and_options(votation)
    for question, order in questions:
        chosen = [str(c) for c in answers.get(question.key, [])]
        if any(c not in order for c in chosen):
            errors[question.key] = _("Choose among this question's options.")
        elif len(set(chosen)) != len(chosen):
            errors[question.key] = _("Choose each option at most once.")
        elif not chosen:
            errors[question.key] = _("Answer this question.")
        elif len(chosen) < question.min_choices:
            errors[question.key] = _("Choose at least %(n)s options.") % {"n": question.min_choices}
        elif len(chosen) > question.max_choices:
            errors[question.key] = (
                _("Rank at most %(n)s options.")
                if question.kind == Question.Kind.RANKED
                else _("Choose at most %(n)s options.")
            ) % {"n": question.max_choices}
        elif question.kind == Question.Kind.RANKED:
            clean[question.key] = chosen  # the order is the ranking, most preferred first
        else:
            clean[question.key] = sorted(chosen, key=order.index)
    if set(answers) - {q.key for q, _order in questions}:
        errors["__all__"] = _("This ballot answers a question the votation does not ask.")
    if errors:
        raise ValidationError(errors)
    return clean


def _check_open(votation: Votation, channel: str) -> None:
    if not votation.is_published or votation.status == Votation.Status.UPCOMING:
        raise ValidationError(_("This votation is not open yet."))
    if votation.status == Votation.Status.CLOSED:
        raise ValidationError(_("This votation has closed: no more ballots are accepted."))
    if channel not in votation.channels():
        raise ValidationError(
            _("This votation does not take votes online.")
            if channel == Channel.ONLINE
            else _("This votation does not take votes at polling booths.")
        )


def _hour_now(votation: Votation) -> datetime:
    # Rounded down to the hour of the jurisdiction's clock (so that a day's ballots stay on that day).
    return timezone.localtime(timezone.now(), votation.jurisdiction.zone).replace(minute=0, second=0, microsecond=0)


def _cast(
    *,
    votation: Votation,
    person: Person,
    channel: str,
    answers: dict,
    booth: Booth | None = None,
    change_code="",
) -> str:
    """Put the person on the roll and write the anonymous ballot, once (core's `cast_once_rows`); the receipt code."""
    code = new_receipt_code()
    now = timezone.now()
    ballot = Ballot(
        jurisdiction=votation.jurisdiction,
        votation=votation,
        answers=answers,
        receipt_hash=receipt_hash(code),
        change_hash=receipt_hash(change_code) if change_code else "",
        cast_at=timezone.localtime(now, votation.jurisdiction.zone).replace(minute=0, second=0, microsecond=0),
        channel=channel,
        booth=booth,
        voter=None if votation.is_secret else person,
    )
    entry = VoterRollEntry(
        jurisdiction=votation.jurisdiction,
        election_key=votation.election_key,
        person=person,
        channel=channel,
        booth=booth.name if booth else "",
        voted_at=now,
    )
    cast_once_rows(entry=entry, ballot=ballot)
    return code


def may_vote_online(user, votation: Votation) -> tuple[bool, str]:
    """Whether the account may cast an online ballot now, and if not, why (translated)."""
    _person, reason = _online_voter(user, votation)
    return (False, reason) if reason else (True, "")


def _online_voter(user, votation: Votation) -> tuple[Person | None, str]:
    """The person the account votes as, or why it may not vote online (translated)."""
    if votation.component is not None:
        allowed, reason = component_action_allowed(user, votation.component, "vote")
        if not allowed:
            return None, reason
    if user is None or not user.is_authenticated:
        return None, _("Sign in to vote.")
    person = person_of(user, votation.jurisdiction)
    if person is None:
        return None, _("Verify your identity with the census to vote.")
    return person, ineligibility(votation, person)


@_in_scope(lambda kw: kw["votation"].jurisdiction)
def cast_online(*, actor, votation: Votation, answers: dict[str, list[str]]) -> CastReceipt:
    """A verified person votes online, once; the receipt code is returned, never stored."""
    _check_open(votation, Channel.ONLINE)
    person, reason = _online_voter(actor, votation)
    if reason:
        raise PermissionDenied(reason)
    clean = check_answers(votation, answers)
    return do_cast_online(votation=votation, person=person, answers=clean)


def check_online_ballot(*, votation: Votation, answers: dict[str, list[str]]) -> dict[str, list[str]]:
    """`cast_online`'s checks but the voter's, for the lean API path's `check_` step (`do_cast_as_token_holder`
    checks the voter in its statement).

    The votation must be open online and the answers valid; the answers as stored are returned. A votation in a
    process (whose component adds phase and level rules) goes through `cast_online` instead.
    """
    if votation.component_id is not None:
        raise PermissionDenied(_("This votation's process decides who may vote."))
    _check_open(votation, Channel.ONLINE)
    return check_answers(votation, answers)


def do_cast_online(*, votation: Votation, person: Person, answers: dict[str, list[str]]) -> CastReceipt:
    """Write a checked online ballot."""
    change_code = new_receipt_code() if votation.allows_changes else ""
    code = _cast(votation=votation, person=person, channel=Channel.ONLINE, answers=answers, change_code=change_code)
    return CastReceipt(votation=votation, code=code, change_code=change_code)


def do_cast_as_token_holder(
    *, votation: Votation, stamp: str, secret: str, answers: dict[str, list[str]]
) -> tuple[CastReceipt | None, bool]:
    """The lean API ballot's write (PostgreSQL): a checked online ballot of the holder of the write token `secret`,
    in ONE statement that writes only if every condition of `cast_online` on the voter holds.

    The statement finds the token's holder verified in the votation's jurisdiction and in its electorate
    (`plaza.core.queries.api_tokens.holder_sql`, `electorate.census_conditions`), checks that the votation is
    still as kept in this process (`stamp`, see `queries.stamp_sql`), puts the person on the roll
    (`plaza.core.roll.first_vote_sql`: nothing if they are on it already), then writes the anonymous ballot and
    the token's use, as data-modifying CTEs: all or nothing, without BEGIN and COMMIT. Returns the receipt, or
    None having written nothing, and whether the stamp held.
    """
    census, census_params = electorate.census_conditions(votation)
    sql = _holder_ballot_sql(census, votation.is_secret)
    change_code = new_receipt_code() if votation.allows_changes else ""
    code = new_receipt_code()
    params = {
        **holder_params(secret, votation.jurisdiction_id),
        **census_params,
        "votation": votation.pk,
        "stamp": stamp,
        "election_key": votation.election_key,
        "channel": Channel.ONLINE.value,
        "ballot": uuid.uuid4(),
        "answers": json.dumps(answers),
        "receipt_hash": receipt_hash(code),
        "change_hash": receipt_hash(change_code) if change_code else "",
    }
    params["voted_at"] = params["now"]
    params["cast_at"] = timezone.localtime(params["now"], votation.jurisdiction.zone).replace(
        minute=0, second=0, microsecond=0
    )
    with prepared_cursor(router.db_for_write(Ballot)) as cursor:
        cursor.execute(sql, params)
        cast, current = cursor.fetchone()
    return (CastReceipt(votation=votation, code=code, change_code=change_code) if cast else None), current


@functools.cache
def _holder_ballot_sql(census: str, secret: bool) -> str:
    votation, place = Votation._meta.db_table, Jurisdiction._meta.db_table
    voter = "NULL" if secret else "roll.person_id"  # a secret ballot holds no link to the person
    return f"""
        WITH current AS (
            SELECT 1 FROM {votation} v JOIN {place} j ON j.id = v.jurisdiction_id
            WHERE v.id = %(votation)s AND v.is_published AND j.is_active AND {queries.stamp_sql()} = %(stamp)s
        ),
        holder AS ({holder_sql(census)} AND EXISTS (SELECT 1 FROM current)),
        roll AS ({first_vote_sql()}),
        ballot AS (
            INSERT INTO {Ballot._meta.db_table}
                (id, jurisdiction_id, votation_id, answers, receipt_hash, change_hash, cast_at, channel, booth_id,
                 voter_id)
            SELECT %(ballot)s, %(jurisdiction)s, %(votation)s, CAST(%(answers)s AS jsonb), %(receipt_hash)s,
                %(change_hash)s, %(cast_at)s, %(channel)s, NULL, {voter}
            FROM roll
            RETURNING 1
        ),
        used AS ({token_use_sql("ballot")})
        SELECT EXISTS (SELECT 1 FROM ballot), EXISTS (SELECT 1 FROM current)
    """  # noqa: S608 - table names from the models, values as parameters


@_in_scope(lambda kw: kw["votation"].jurisdiction)
def change_online(*, actor, votation: Votation, change_code: str, answers: dict[str, list[str]]) -> CastReceipt:
    """Replace the ballot that `change_code` opens with new answers: only the last counts.

    The roll is untouched (the person voted once and still has); the ballot is found by the code's
    hash alone, never through the person, so changing keeps the ballot secret. The ballot gets a new
    receipt code (the old one no longer finds it) and keeps its change code for a later change.
    """
    _check_open(votation, Channel.ONLINE)
    if not votation.allows_changes:
        raise ValidationError(_("This votation does not let voters change their vote."))
    person, reason = _online_voter(actor, votation)
    if reason:
        raise PermissionDenied(reason)
    if not has_voted(jurisdiction=votation.jurisdiction, election_key=votation.election_key, person=person):
        raise ValidationError(_("You have not voted in this votation yet: cast a ballot first."))
    clean = check_answers(votation, answers)
    code = new_receipt_code()
    with transaction.atomic():
        ballot = (
            Ballot.objects.with_scope(jurisdiction=votation.jurisdiction)
            .select_for_update()
            .filter(votation=votation, channel=Channel.ONLINE)
            .exclude(change_hash="")
            .filter(change_hash=receipt_hash(change_code))
            .first()
        )
        if ballot is None:
            raise ValidationError({"change_code": _("No ballot of this votation has this change code.")})
        ballot.answers = clean
        ballot.receipt_hash = receipt_hash(code)
        ballot.cast_at = _hour_now(votation)
        ballot.save(update_fields=["answers", "receipt_hash", "cast_at"])
    return CastReceipt(votation=votation, code=code, change_code=change_code.strip().upper())


@_in_scope(lambda kw: kw["votation"].jurisdiction)
def cast_at_booth(
    *,
    officer,
    votation: Votation,
    booth: Booth,
    document_id: str,
    birth_date: date,
    postal_code: str,
    answers: dict[str, list[str]],
) -> CastReceipt:
    """A poll officer finds the person on the census (as for in-person verification) and records their ballot."""
    require_role(officer, votation.jurisdiction, Role.POLL_OFFICER, Role.ADMIN)
    _check_open(votation, Channel.BOOTH)
    if booth.election_key != votation.election_key or booth.jurisdiction_id != votation.jurisdiction_id:
        raise ValidationError({"booth": _("This booth belongs to another votation.")})
    clean = check_answers(votation, answers)
    with transaction.atomic():
        person = verify_in_person(
            officer=officer,
            jurisdiction=votation.jurisdiction,
            document_id=document_id,
            birth_date=birth_date,
            postal_code=postal_code,
        )
        reason = ineligibility(votation, person)
        if reason:
            raise ValidationError(reason)
        code = _cast(votation=votation, person=person, channel=Channel.BOOTH, answers=clean, booth=booth)
        # Who recorded a ballot where is public; whose ballot it was is not (the roll, not the log).
        record(
            jurisdiction=votation.jurisdiction,
            actor=officer,
            action="votes.booth_cast",
            target=votation,
            data={"booth": booth.name},
        )
    return CastReceipt(votation=votation, code=code)


@_in_scope(lambda kw: kw["booth"].jurisdiction)
def report_booth_tally(*, officer, booth: Booth, day: date, count: int) -> BoothTotal:
    """A poll officer reports how many ballots the booth took that day (a second report replaces the first).

    Core's `report_booth_total`, shared with budgets: a public `votes.booth_tally` audit entry on the votation.
    """
    try:
        votation = queries.votation_of_booth(booth)
    except Votation.DoesNotExist as other:
        raise ValidationError({"booth": _("This booth belongs to another election.")}) from other
    return report_booth_total(officer=officer, election=votation, booth=booth, day=day, count=count)


# --- Voting without an account: a one-time code ------------------------------------------------

CODE_LIFETIME = timedelta(minutes=30)
MAX_CODE_ATTEMPTS = 5  # wrong codes before a code dies and a new one must be asked for
MAX_CODES_PER_HOUR = 3  # codes sent to one person in an hour (against mail bombing)
MAX_CLIENT_FAILURES_PER_HOUR = 20  # wrong census details or codes from one client address


def _client_key(votation: Votation, client: str) -> str:
    return f"votes-code-failures:{votation.pk}:{client}"


def _check_client(votation: Votation, client: str) -> None:
    if cache.get(_client_key(votation, client), 0) >= MAX_CLIENT_FAILURES_PER_HOUR:
        raise ValidationError(_("Too many attempts from this connection. Try again in an hour or vote at a booth."))


def _client_failed(votation: Votation, client: str) -> None:
    key = _client_key(votation, client)
    if not cache.add(key, 1, 3600):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, 3600)


def _census_person(votation: Votation, document_id: str, birth_date: date, postal_code: str) -> Person | None:
    record = census_record_matching(
        votation.jurisdiction, document_id=document_id, birth_date=birth_date, postal_code=postal_code
    )
    if record is None:
        return None
    person, _created = Person.objects.with_scope(jurisdiction=votation.jurisdiction).get_or_create(
        jurisdiction=votation.jurisdiction, census_record=record
    )
    return person


def _may_get_code(votation: Votation, person: Person) -> None:
    reason = ineligibility(votation, person)
    if reason:
        raise ValidationError(reason)
    if has_voted(jurisdiction=votation.jurisdiction, election_key=votation.election_key, person=person):
        raise AlreadyVoted()


def _issue_code(*, votation: Votation, person: Person, delivery: str, officer=None) -> str:
    """A new code for (votation, person), replacing any earlier one (the unique row is rewritten)."""
    code = new_access_code()
    now = timezone.now()
    AccessCode.objects.with_scope(jurisdiction=votation.jurisdiction).update_or_create(
        votation=votation,
        person=person,
        defaults={
            "jurisdiction": votation.jurisdiction,
            "code_hash": access_code_hash(code, votation_id=votation.pk, person_id=person.pk),
            "delivery": delivery,
            "issued_by": officer,
            "issued_at": now,
            "expires_at": now + CODE_LIFETIME,
            "used_at": None,
            "failed_attempts": 0,
        },
    )
    return code


def _mask(email: str) -> str:
    name, _at, domain = email.partition("@")
    return f"{name[:1]}…@{domain}"


def code_channels() -> list[str]:
    """Where this deployment can send a code: e-mail always, text messages when an SMS backend is set."""
    return [AccessCode.Delivery.EMAIL, AccessCode.Delivery.SMS] if sms.is_enabled() else [AccessCode.Delivery.EMAIL]


def _contact(person: Person, channel: str) -> str:
    """The census's contact of that kind for the person, or a refusal that says what else they can do."""
    census = person.census_record
    if channel == AccessCode.Delivery.SMS:
        if census.phone:
            return census.phone
        if census.email:
            raise ValidationError(
                _(
                    "The census has no mobile number for you. Ask for the code by e-mail instead, "
                    "or a poll officer can give you one."
                )
            )
        raise ValidationError(
            _("The census has no mobile number for you. A poll officer can give you a code, or vote at a booth.")
        )
    if census.email:
        return census.email
    if census.phone and sms.is_enabled():
        raise ValidationError(
            _(
                "The census has no e-mail address for you. Ask for the code by text message instead, "
                "or a poll officer can give you one."
            )
        )
    raise ValidationError(
        _("The census has no e-mail address for you. A poll officer can give you a code, or vote at a booth.")
    )


@_in_scope(lambda kw: kw["votation"].jurisdiction)
def send_access_code(
    *,
    votation: Votation,
    document_id: str,
    birth_date: date,
    postal_code: str,
    client: str,
    channel: str = AccessCode.Delivery.EMAIL,
) -> str:
    """A person on the census asks for a one-time code by e-mail or text message; returns the masked contact.

    No account needed. Refused cleanly when the details do not match the census, the census has no
    contact of that kind for the person (then a poll officer can hand a code over), or they already voted.
    """
    if channel not in code_channels():
        raise ValidationError({"channel": _("Codes cannot be sent this way here.")})
    _check_open(votation, Channel.ONLINE)
    _check_client(votation, client)
    person = _census_person(votation, document_id, birth_date, postal_code)
    if person is None:
        _client_failed(votation, client)
        raise ValidationError(_("These details do not match the census. Check them and try again."))
    _may_get_code(votation, person)
    contact = _contact(person, channel)
    sent_key = f"votes-codes-sent:{votation.pk}:{person.pk}"
    if cache.get(sent_key, 0) >= MAX_CODES_PER_HOUR:
        raise ValidationError(_("We already sent you several codes this hour. Use the last one, or try again later."))
    with transaction.atomic():
        code = _issue_code(votation=votation, person=person, delivery=channel)
        record(
            jurisdiction=votation.jurisdiction,
            actor=None,
            action="votes.code_sent",
            target=votation,
            data={"channel": channel},
        )
        if channel == AccessCode.Delivery.SMS:
            sms.send_text(contact, code_text_message(code))
        else:
            transaction.on_commit(lambda: _mail_code(votation, contact, code))
    cache.set(sent_key, cache.get(sent_key, 0) + 1, 3600)
    return sms.mask_phone(contact) if channel == AccessCode.Delivery.SMS else _mask(contact)


def code_text_message(code: str) -> str:
    """The text message with a code: short (one SMS in English), in the active language, no link to phish with."""
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    return _("%(code)s is your one-time code to vote. It works once, for %(minutes)s minutes. Never share it.") % {
        "code": code,
        "minutes": minutes,
    }


def _mail_code(votation: Votation, email: str, code: str) -> None:
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    body = _(
        "Your one-time code to vote in “%(title)s” is %(code)s.\n\n"
        "It works once, for %(minutes)s minutes, at %(url)s\n\n"
        "If you did not ask for it, ignore this message: nobody can vote with it without your identity details."
    ) % {"title": votation.title, "code": code, "minutes": minutes, "url": absolute_url(code_ballot_path(votation))}
    EmailMessage(subject=_("Your voting code: %(code)s") % {"code": code}, body=body, to=[email]).send()


def code_ballot_path(votation: Votation) -> str:
    return reverse("votes:code_vote", kwargs={"jurisdiction": votation.jurisdiction.slug, "votation": votation.slug})


@_in_scope(lambda kw: kw["votation"].jurisdiction)
def hand_over_code(*, officer, votation: Votation, document_id: str, birth_date: date, postal_code: str) -> str:
    """A poll officer checks a person's document and gives them a one-time code to vote online (returned once)."""
    require_role(officer, votation.jurisdiction, Role.POLL_OFFICER, Role.ADMIN)
    _check_open(votation, Channel.ONLINE)
    with transaction.atomic():
        person = verify_in_person(
            officer=officer,
            jurisdiction=votation.jurisdiction,
            document_id=document_id,
            birth_date=birth_date,
            postal_code=postal_code,
        )
        _may_get_code(votation, person)
        code = _issue_code(votation=votation, person=person, delivery=AccessCode.Delivery.OFFICER, officer=officer)
        record(jurisdiction=votation.jurisdiction, actor=officer, action="votes.code_handed", target=votation)
    return code


def _code_refused(votation: Votation, client: str, access: AccessCode | None) -> ValidationError:
    _client_failed(votation, client)
    if access is not None:
        AccessCode.objects.with_scope(jurisdiction=votation.jurisdiction).filter(pk=access.pk).update(
            failed_attempts=F("failed_attempts") + 1
        )
    return ValidationError({"code": _("This code is not valid: it is wrong, expired, or already used.")})


@_in_scope(lambda kw: kw["votation"].jurisdiction)
def cast_with_code(
    *, votation: Votation, document_id: str, code: str, answers: dict[str, list[str]], client: str
) -> CastReceipt:
    """Vote without an account: the document number names the person, the one-time code proves it's them.

    The code is spent in the transaction that puts the person on the roll and writes the ballot, so
    it casts at most one ballot, and the person cannot vote again with any account or at a booth.
    """
    _check_open(votation, Channel.ONLINE)
    _check_client(votation, client)
    clean = check_answers(votation, answers)
    jurisdiction = votation.jurisdiction
    record_ = (
        CensusRecord.objects.with_scope(jurisdiction=jurisdiction)
        .filter(document_hash=document_hash(jurisdiction.pk, document_id), is_active=True)
        .first()
    )
    codes = AccessCode.objects.with_scope(jurisdiction=jurisdiction)
    access = codes.filter(votation=votation, person__census_record=record_).first() if record_ else None
    if access is None or not _code_matches(access, code):
        raise _code_refused(votation, client, access)
    with transaction.atomic():
        access = codes.select_for_update().get(pk=access.pk)
        if not _code_matches(access, code):  # spent or replaced by a racing request meanwhile
            raise ValidationError({"code": _("This code is not valid: it is wrong, expired, or already used.")})
        person = (
            Person.objects.with_scope(jurisdiction=jurisdiction)
            .select_related("census_record")
            .get(pk=access.person_id)
        )
        reason = ineligibility(votation, person)
        if reason:
            raise ValidationError(reason)
        access.used_at = timezone.now()
        access.save(update_fields=["used_at"])
        receipt_code = _cast(votation=votation, person=person, channel=Channel.ONLINE, answers=clean)
    return CastReceipt(votation=votation, code=receipt_code)


def _code_matches(access: AccessCode, code: str) -> bool:
    live = access.used_at is None and access.expires_at > timezone.now()
    live = live and access.failed_attempts < MAX_CODE_ATTEMPTS
    expected = access_code_hash(code, votation_id=access.votation_id, person_id=access.person_id)
    return hmac.compare_digest(access.code_hash, expected) and live


def is_poll_officer(user, jurisdiction: Jurisdiction) -> bool:
    return has_role(user, jurisdiction, Role.POLL_OFFICER, Role.ADMIN)
