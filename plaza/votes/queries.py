"""Reads shared by the votes pages, API and downloads: votations, results, turnout, ballots, booths."""

from datetime import timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from plaza.core.models import Booth, Jurisdiction
from plaza.core.queries import booths as core_booths
from plaza.core.roll import Channel, VoterRollEntry
from plaza.core.rows import version_stamp
from plaza.votes import tally
from plaza.votes.electorate import electorate, reference_year
from plaza.votes.models import Ballot, Option, Question, Votation
from plaza.votes.receipts import receipt_hash


def _with_questions(votations: QuerySet, jurisdiction: Jurisdiction) -> QuerySet:
    options = Option.objects.with_scope(jurisdiction=jurisdiction).all()
    questions = (
        Question.objects.with_scope(jurisdiction=jurisdiction)
        .all()
        .prefetch_related(Prefetch("options", queryset=options))
    )
    return votations.select_related("jurisdiction", "component__process").prefetch_related(
        Prefetch("questions", queryset=questions)
    )


def votations_of(jurisdiction: Jurisdiction, *, include_unpublished: bool = False, component=None) -> QuerySet:
    votations = Votation.objects.with_scope(jurisdiction=jurisdiction)
    if not include_unpublished:
        votations = votations.filter(is_published=True)
    if component is not None:
        votations = votations.filter(component=component)
    return _with_questions(votations, jurisdiction)


def votation_page(jurisdiction: Jurisdiction, slug: str, *, include_unpublished: bool = False) -> Votation:
    """One votation with its questions and options; raises Votation.DoesNotExist."""
    return votations_of(jurisdiction, include_unpublished=include_unpublished).get(slug=slug)


def ballot_votation(jurisdiction_slug: str, slug: str) -> Votation | None:
    """The published votation `slug` of the active jurisdiction `jurisdiction_slug`, ready for a ballot, in ONE query.

    The ballot's hot path (the API cast): the jurisdiction, the votation, its component, questions
    and options come from one join over the options (every question has at least two options, a
    rule of the setup), then are shared between the rows as `votation_page` would prefetch them,
    so `votation.questions.all()` and `question.options.all()` query nothing. None when nothing
    matches (the caller then says what is missing, the usual way). The query names the jurisdiction
    by its slug, as the address does, which is why it runs outside any one jurisdiction's scope.
    """
    from plaza.core.tenancy import across_jurisdictions

    with across_jurisdictions():
        rows = list(
            Option.objects.select_related("question__votation__jurisdiction", "question__votation__component")
            .filter(
                question__votation__slug=slug,
                question__votation__is_published=True,
                question__votation__jurisdiction__slug=jurisdiction_slug,
                question__votation__jurisdiction__is_active=True,
            )
            .order_by("question__position", "position")
        )
    if not rows:
        return None
    votation = rows[0].question.votation
    questions: dict[int, Question] = {}
    options: dict[int, list[Option]] = {}
    for option in rows:
        question = questions.setdefault(option.question_id, option.question)
        question.votation = votation
        option.question = question
        options.setdefault(question.pk, []).append(option)
    for question in questions.values():
        _prefetched(question, "options", Option, options[question.pk])
    _prefetched(votation, "questions", Question, list(questions.values()))
    return votation


def stamp_sql() -> str:
    """A SQL expression (PostgreSQL) over the votation `v` and its jurisdiction `j` that changes whenever what a
    ballot is checked against changes: the versions of both rows (`plaza.core.rows.version_stamp`). The questions
    and options need no stamp of their own: they are written only by `operations.create_votation` (a new votation)
    and `operations.update_votation`, which saves the votation's row in the same transaction, and only while no
    ballot can be cast (before it opens, or unpublished)."""
    return version_stamp("v", "j")


_ballot_votations: dict[tuple[str, str], tuple[Votation, str]] = {}


def kept_ballot_votation(jurisdiction_slug: str, slug: str) -> tuple[Votation, str] | None:
    """`ballot_votation` and its stamp (`stamp_sql`), kept per process (PostgreSQL; the ballot's lean path).

    Read from the database the first time only: the lean ballot's statement checks the stamp, and the
    caller forgets a votation whose stamp no longer matches (`forget_ballot_votation`). The objects are
    shared between the requests (and threads) of a process: callers only read them.
    """
    key = (jurisdiction_slug, slug)
    kept = _ballot_votations.get(key)
    if kept is not None:
        return kept
    from plaza.core.prepared import prepared_cursor

    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT {stamp_sql()} FROM {Votation._meta.db_table} v "  # noqa: S608 - names from the models
            f"JOIN {Jurisdiction._meta.db_table} j ON j.id = v.jurisdiction_id WHERE j.slug = %s AND v.slug = %s",
            [jurisdiction_slug, slug],
        )
        row = cursor.fetchone()
    votation = ballot_votation(jurisdiction_slug, slug) if row else None  # read after the stamp: never newer
    if votation is None:
        return None
    _ballot_votations[key] = (votation, row[0])
    return votation, row[0]


def forget_ballot_votation(jurisdiction_slug: str, slug: str) -> None:
    _ballot_votations.pop((jurisdiction_slug, slug), None)


def _prefetched(instance, name: str, model, objects: list) -> None:
    """Give `instance.<name>.all()` these objects, as `prefetch_related` does (no query when read)."""
    rows = QuerySet(model=model)
    rows._result_cache = objects
    rows._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = rows


def votation_header(votation: Votation) -> dict:
    """The votation as described at the top of its ballots file (and read by `plaza-tally`)."""
    return {
        "slug": votation.slug,
        "title": votation.title,
        "opens_at": votation.opens_at.isoformat(),
        "closes_at": votation.closes_at.isoformat(),
        "secret": votation.is_secret,
        "questions": [
            {
                "key": q.key,
                "text": q.text,
                "kind": q.kind,
                "min_choices": q.min_choices,
                "max_choices": q.max_choices,
                "options": [{"key": o.key, "label": o.label} for o in q.options.all()],
            }
            for q in votation.questions.all()
        ],
    }


def _ballots(votation: Votation) -> QuerySet:
    return Ballot.objects.with_scope(jurisdiction=votation.jurisdiction).filter(votation=votation)


def results_of(votation: Votation) -> tally.Results:
    """The count of every ballot, by the very function `plaza-tally` runs on the published file."""
    # The database groups identical ballots (on PostgreSQL by jsonb equality), so a million ballots
    # come back as a few rows; the count itself is still tally.py's.
    groups = _ballots(votation).order_by().values_list("answers").annotate(n=Count("pk")).values_list("answers", "n")
    return tally.count_groups(votation_header(votation), groups.iterator(chunk_size=5000))


def _roll(votation: Votation) -> QuerySet:
    return VoterRollEntry.objects.with_scope(jurisdiction=votation.jurisdiction).filter(
        election_key=votation.election_key
    )


# Age bands of the turnout, as (lowest age, highest age or None); the census keeps the birth year only.
AGE_BANDS = ((0, 17), (18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, None))


def _band(age: int | None) -> str:
    if age is None:
        return ""
    for low, high in AGE_BANDS:
        if high is None or age <= high:
            return f"{low}+" if high is None else f"{low}–{high}"
    return ""


def _by_attribute(votation: Votation, voters_field: str, electorate_field: str, key=lambda value: value) -> list:
    """Voters and electorate grouped by a census attribute (mapped by `key`), as turnout rows."""
    voters: dict = {}
    for value, n in _roll(votation).values_list(voters_field).annotate(n=Count("id")).values_list(voters_field, "n"):
        voters[key(value)] = voters.get(key(value), 0) + n
    eligible: dict = {}
    for value, n in (
        electorate(votation).values_list(electorate_field).annotate(n=Count("id")).values_list(electorate_field, "n")
    ):
        eligible[key(value)] = eligible.get(key(value), 0) + n
    return [
        {"group": group, "voters": voters.get(group, 0), "electorate": n, "percent": _percent(voters.get(group, 0), n)}
        for group, n in sorted(eligible.items(), key=lambda item: _group_order(item[0]))
    ]


def _group_order(group: str):
    digits = group.split("–")[0].rstrip("+")
    return (0, int(digits), "") if digits.isdigit() else (1, 0, group)


def _gender_rows(votation: Votation) -> list[dict]:
    rows = _by_attribute(votation, "person__census_record__gender", "gender")
    return rows if any(row["group"] for row in rows) else []


def turnout_over_time(votation: Votation) -> dict:
    """Voters per hour (a votation of two days or less) or per day, in the jurisdiction's zone, from the roll."""
    zone = votation.jurisdiction.zone
    hourly = votation.closes_at - votation.opens_at <= timedelta(days=2)
    trunc = TruncHour("voted_at", tzinfo=zone) if hourly else TruncDay("voted_at", tzinfo=zone)
    counts = _roll(votation).annotate(at=trunc).values_list("at").annotate(n=Count("id")).order_by("at")
    rows = []
    for at, n in counts.values_list("at", "n"):
        local = timezone.localtime(at, zone)
        rows.append(
            {"at": local.isoformat(), "label": local.strftime("%Y-%m-%d %H:00" if hourly else "%Y-%m-%d"), "voters": n}
        )
    return {"unit": "hour" if hourly else "day", "rows": rows}


def turnout_of(votation: Votation) -> dict:
    """Voters by channel, district, age band, gender and over time, against the electorate (the roll, never ballots).

    Gender is given only where the census has it (the rows are left out when nobody has one).
    """
    roll = _roll(votation)
    by_channel = dict(roll.values_list("channel").annotate(n=Count("id")).values_list("channel", "n"))
    voters_by_district = dict(
        roll.values_list("person__census_record__district")
        .annotate(n=Count("id"))
        .values_list("person__census_record__district", "n")
    )
    eligible_by_district = dict(
        electorate(votation).values_list("district").annotate(n=Count("id")).values_list("district", "n")
    )
    voters = sum(by_channel.values())
    eligible = sum(eligible_by_district.values())
    return {
        "electorate": eligible,
        "voters": voters,
        "percent": _percent(voters, eligible),
        "by_channel": [
            {"channel": c, "label": str(Channel(c).label), "voters": by_channel.get(c, 0)} for c in votation.channels()
        ],
        "by_district": [
            {
                "district": d,
                "voters": voters_by_district.get(d, 0),
                "electorate": n,
                "percent": _percent(voters_by_district.get(d, 0), n),
            }
            for d, n in sorted(eligible_by_district.items())
        ],
        "by_age": _by_attribute(
            votation,
            "person__census_record__birth_year",
            "birth_year",
            key=lambda year: _band(None if year is None else reference_year(votation) - year),
        ),
        "by_gender": _gender_rows(votation),
        "over_time": turnout_over_time(votation),
    }


def _percent(part: int, whole: int) -> str:
    return tally.QuestionResult("", "", "", 0, 0, answered=whole).share(tally.OptionCount("", "", part))


def ballot_rows(votation: Votation):
    """Every ballot as published: no person, no account, the day only (docs/ballots-format.md)."""
    zone = votation.jurisdiction.zone
    ballots = _ballots(votation).select_related("booth").order_by("receipt_hash")
    for ballot in ballots.iterator(chunk_size=5000):
        yield {
            "receipt": ballot.receipt_hash,
            "cast_on": timezone.localtime(ballot.cast_at, zone).date().isoformat(),
            "channel": ballot.channel,
            "booth": ballot.booth.name if ballot.booth else "",
            "answers": ballot.answers,
        }


def find_ballot(votation: Votation, code: str) -> Ballot | None:
    return _ballots(votation).filter(receipt_hash=receipt_hash(code)).select_related("booth").first()


def booths_of(votation: Votation) -> QuerySet:
    """The votation's booths (core's, keyed by its election key), by name."""
    return core_booths.booths_of(jurisdiction=votation.jurisdiction, election_key=votation.election_key)


def votation_of_booth(booth: Booth) -> Votation:
    """The votation a booth serves (its election key names it); raises Votation.DoesNotExist for another's."""
    prefix, _colon, pk = booth.election_key.partition(":")
    if prefix != "votes.votation" or not pk.isdigit():
        raise Votation.DoesNotExist
    return Votation.objects.with_scope(jurisdiction=booth.jurisdiction).get(pk=int(pk))


def reconciliation(votation: Votation) -> list[dict]:
    """Each booth's reported day totals next to the ballots recorded there that day; discrepancies flagged."""
    return core_booths.reconciliation(jurisdiction=votation.jurisdiction, election_key=votation.election_key)


def votations_voted_by(user) -> list[dict]:
    """For "download my data": where the account's persons are on a roll (read across jurisdictions)."""
    from plaza.core.models import Verification
    from plaza.core.tenancy import across_jurisdictions

    with across_jurisdictions():
        persons = Verification.objects.filter(user=user).values_list("person_id", flat=True)
        entries = VoterRollEntry.objects.filter(person_id__in=list(persons), election_key__startswith="votes.votation:")
        found = {e.election_key.split(":")[1]: e for e in entries}
        votations = Votation.objects.filter(pk__in=list(found)).select_related("jurisdiction")
        return [
            {
                "jurisdiction": v.jurisdiction.slug,
                "votation": v.slug,
                "channel": found[str(v.pk)].channel,
                "voted_at": found[str(v.pk)].voted_at.isoformat(),
            }
            for v in votations
        ]
