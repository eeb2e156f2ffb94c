"""Reads shared by the proposals pages, the API and the exports: the index with its filters and orders."""

import math
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.formats import localize
from django.utils.translation import ngettext

from plaza.core.models import CensusRecord, Comment, ComponentInstance, Jurisdiction, SDGTag, Verification
from plaza.core.queries.comments import reported_comments as core_reported_comments
from plaza.core.queries.search import search_jurisdiction
from plaza.core.search import fold
from plaza.proposals.models import (
    Debate,
    DebateVote,
    Proposal,
    ProposalTag,
    Support,
    Synthesis,
    SynthesisEntry,
    SynthesisGroup,
)

# What the public reads; the index lists the first two unless asked for another status.
PUBLIC_STATUSES = (
    Proposal.Status.PUBLISHED,
    Proposal.Status.THRESHOLD_REACHED,
    Proposal.Status.ARCHIVED,
    Proposal.Status.WITHDRAWN,
    Proposal.Status.MERGED,
)
ACTIVE_STATUSES = (Proposal.Status.PUBLISHED, Proposal.Status.THRESHOLD_REACHED)
# A component's threshold_value when its settings name none (supports, or a percentage of the active census).
DEFAULT_THRESHOLD_VALUE = 100
ORDERS = ("hot", "most_supported", "newest", "most_commented", "random")
# English, Spanish, French and Portuguese words too common to say two titles are alike.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "we",
        "with",
        "more",
        "new",
        "al",
        "con",
        "de",
        "del",
        "el",
        "en",
        "es",
        "la",
        "las",
        "lo",
        "los",
        "mas",
        "mi",
        "mis",
        "nuestro",
        "nuestra",
        "para",
        "por",
        "que",
        "se",
        "sin",
        "su",
        "sus",
        "un",
        "una",
        "uno",
        "y",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "des",
        "du",
        "et",
        "le",
        "les",
        "leur",
        "notre",
        "nos",
        "ou",
        "par",
        "plus",
        "pour",
        "sur",
        "une",
        "ao",
        "aos",
        "com",
        "da",
        "das",
        "do",
        "dos",
        "e",
        "em",
        "na",
        "nas",
        "no",
        "o",
        "os",
        "um",
        "uma",
    ]
)
SIMILAR_LIMIT = 5


@dataclass(frozen=True)
class ProposalFilters:
    category: str = ""
    tag: str = ""
    goal: int | None = None
    status: str = ""
    q: str = ""
    order: str = "hot"
    seed: int = 0


def categories_of(component: ComponentInstance) -> list[str]:
    return [str(c) for c in component.settings.get("categories", [])]


def support_threshold(component: ComponentInstance) -> int:
    """Supports a proposal needs: an absolute number, or a percentage of the active census."""
    value = component.settings.get("threshold_value", DEFAULT_THRESHOLD_VALUE)
    if component.settings.get("threshold_mode") == "census_percent":
        census = CensusRecord.objects.with_scope(jurisdiction=component.jurisdiction).filter(is_active=True).count()
        return max(1, math.ceil(census * float(value) / 100))
    return max(1, int(value))


def _comment_count(jurisdiction: Jurisdiction, model) -> Coalesce:
    comments = (
        Comment.objects.with_scope(jurisdiction=jurisdiction)
        .filter(content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk"), is_hidden=False)
        .order_by()
        .values("object_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(comments, output_field=IntegerField()), Value(0))


def _with_related(proposals: QuerySet, jurisdiction: Jurisdiction) -> QuerySet:
    tags = ProposalTag.objects.with_scope(jurisdiction=jurisdiction).all()
    return proposals.select_related("author", "component__process", "component__jurisdiction").prefetch_related(
        Prefetch("tags", queryset=tags)
    )


def _with_cards(proposals: QuerySet, jurisdiction: Jurisdiction) -> QuerySet:
    """The index's rows with their authors; `as_cards` adds the rest of what a card shows."""
    return proposals.select_related("author")


def as_cards(proposals, component: ComponentInstance) -> list[Proposal]:
    """A page of the index, evaluated and made ready for its cards in one more query (the tags' names).

    The index is the hot page: each proposal gets the component instance the page holds (no join of three tables
    per row), its status's words, its tag names (plain rows, no prefetch machinery) and its counts in words (the
    same translations as the templates' "%(counter)s support" and "%(counter)s comment").
    """
    labels = {value: str(label) for value, label in Proposal.Status.choices}
    found = list(proposals)
    names: dict[int, list[str]] = {}
    tags = ProposalTag.objects.with_scope(jurisdiction=component.jurisdiction).filter(
        proposal_id__in=[p.pk for p in found]
    )
    for proposal_id, name in tags.order_by("name").values_list("proposal_id", "name"):
        names.setdefault(proposal_id, []).append(name)
    for proposal in found:
        proposal.component = component
        proposal.status_label = labels[proposal.status]
        proposal.tag_names = names.get(proposal.pk, [])
        supports, comments = proposal.support_count, proposal.comments_count
        proposal.supports_text = ngettext("%(counter)s support", "%(counter)s supports", supports) % {
            "counter": localize(supports)
        }
        proposal.comments_text = ngettext("%(counter)s comment", "%(counter)s comments", comments) % {
            "counter": localize(comments)
        }
    return found


def _filtered(proposals: QuerySet, jurisdiction: Jurisdiction, filters: ProposalFilters) -> QuerySet:
    if filters.status in PUBLIC_STATUSES:
        proposals = proposals.filter(status=filters.status)
    else:
        proposals = proposals.filter(status__in=ACTIVE_STATUSES)
    if filters.category:
        proposals = proposals.filter(category=filters.category)
    if filters.tag:
        proposals = proposals.filter(tags__name=filters.tag.strip().lower())
    if filters.goal:
        tagged = SDGTag.objects.with_scope(jurisdiction=jurisdiction).filter(
            content_type=ContentType.objects.get_for_model(Proposal), goal__number=filters.goal
        )
        proposals = proposals.filter(pk__in=tagged.values("object_id"))
    if filters.q.strip():
        found = search_jurisdiction(jurisdiction, filters.q, content_type="proposals.proposal")
        proposals = proposals.filter(pk__in=list(found.values_list("object_id", flat=True)[:1000]))
    return proposals


def _ordered(proposals: QuerySet, order: str, seed: int) -> QuerySet:
    if order == "most_supported":
        return proposals.order_by("-support_count", "-id")
    if order == "newest":
        return proposals.order_by("-published_at", "-id")
    if order == "most_commented":
        return proposals.order_by("-comments_count", "-id")
    if order == "random":
        return proposals.order_by("random_key", "id")
    return proposals.order_by("-hot_score", "-id")


class RandomOrder:
    """The "random" order for one visitor, for a Paginator: every proposal's stored random key, read from the
    visitor's seed up to the end and then from the start (a rotation, so it is the same on every page).

    Both halves are index range scans (proposal_open_random), each with its own LIMIT, in one UNION ALL query
    of ids; then the page's rows and their tags. Nothing sorts every open proposal.
    """

    def __init__(self, proposals: QuerySet, jurisdiction: Jurisdiction, seed: int):
        self.proposals, self.jurisdiction, self.seed = proposals, jurisdiction, seed
        self._counts: tuple[int, int] | None = None

    def _split(self) -> tuple[int, int]:
        if self._counts is None:
            # Counting the random key (never null), not the id: both counts then read only the proposal_count
            # index (an index-only scan), as the other orders' paginator count does.
            found = self.proposals.order_by().aggregate(
                total=Count("*"), after=Count("random_key", filter=Q(random_key__gte=self.seed))
            )
            self._counts = (found["total"], found["after"])
        return self._counts

    def count(self) -> int:
        return self._split()[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Proposal]:
        total, after = self._split()
        start, stop = window.start or 0, min(window.stop if window.stop is not None else total, total)
        if stop <= start:
            return []
        ordered = self.proposals.order_by("random_key", "id").values_list("random_key", "id")
        halves = [
            (ordered.filter(random_key__gte=self.seed), min(start, after), min(stop, after)),
            (ordered.filter(random_key__lt=self.seed), max(start - after, 0), max(stop - after, 0)),
        ]
        selects, params = [], []
        for n, (part, low, high) in enumerate(halves):
            # Each half is the ORM's own SQL with its window; an empty window still runs (LIMIT 0), so a page
            # costs the same queries wherever it falls.
            sql, part_params = part.query.sql_with_params()
            selects.append(f"SELECT {n} AS half, k{n}.* FROM ({sql} LIMIT %s OFFSET %s) k{n}")  # noqa: S608
            params.extend([*part_params, high - low, low])
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            ids = [row[2] for row in sorted(cursor.fetchall())]
        rows = {
            p.pk: p
            for p in _with_cards(Proposal.objects.with_scope(jurisdiction=self.jurisdiction), self.jurisdiction).filter(
                pk__in=ids
            )
        }
        return [rows[pk] for pk in ids if pk in rows]


def index_pages(component: ComponentInstance, filters: ProposalFilters):
    """What the index pages through: the ordered queryset, or for "random" the visitor's rotation (pass the page to
    `as_cards`)."""
    jurisdiction = component.jurisdiction
    proposals = _filtered(
        Proposal.objects.with_scope(jurisdiction=jurisdiction).filter(component=component), jurisdiction, filters
    )
    if filters.order != "random":
        return _ordered(_with_cards(proposals, jurisdiction), filters.order, filters.seed)
    return RandomOrder(proposals, jurisdiction, filters.seed)


def proposal_index(component: ComponentInstance, filters: ProposalFilters) -> QuerySet[Proposal]:
    """The component's public proposals, filtered and ordered, with what a card shows (constant queries)."""
    jurisdiction = component.jurisdiction
    proposals = Proposal.objects.with_scope(jurisdiction=jurisdiction).filter(component=component)
    proposals = _filtered(proposals, jurisdiction, filters)
    return _ordered(_with_related(proposals, jurisdiction), filters.order, filters.seed)


def located(proposals: QuerySet[Proposal], limit: int = 500) -> list[Proposal]:
    """The located ones among `proposals`, for the map (one query)."""
    return list(proposals.exclude(latitude=None)[:limit])


def proposal_for(component: ComponentInstance, pk: int) -> Proposal | None:
    jurisdiction = component.jurisdiction
    found = Proposal.objects.with_scope(jurisdiction=jurisdiction).filter(component=component, pk=pk)
    return _with_related(found.select_related("merged_into"), jurisdiction).first()


def proposal_row(component: ComponentInstance, pk: int) -> Proposal | None:
    """Just the proposal's row, its component the one given (the support button needs no more)."""
    found = Proposal.objects.with_scope(jurisdiction=component.jurisdiction).filter(component=component, pk=pk).first()
    if found is not None:
        found.component = component
    return found


def merged_into(proposal: Proposal) -> list[Proposal]:
    """The duplicates a moderator merged into `proposal` (their comments stay on their own pages)."""
    return list(
        Proposal.objects.with_scope(jurisdiction=proposal.jurisdiction_id)
        .filter(merged_into=proposal)
        .select_related("component__process", "component__jurisdiction")
        .order_by("id")
    )


def goals_of(proposal: Proposal) -> list:
    return [
        tag.goal
        for tag in SDGTag.objects.with_scope(jurisdiction=proposal.jurisdiction_id)
        .filter(content_type=ContentType.objects.get_for_model(Proposal), object_id=proposal.pk)
        .select_related("goal")
        .order_by("goal__number")
    ]


def has_supported(user, proposal: Proposal) -> bool:
    """Whether the person behind this account supported it (from any of their accounts)."""
    if user is None or not user.is_authenticated:
        return False

    persons = Verification.objects.with_scope(jurisdiction=proposal.jurisdiction_id).filter(user=user)
    return proposal.supports.filter(person__in=persons.values("person")).exists()


def significant_words(title: str) -> list[str]:
    """The words of a title that say what it is about: folded, stop words and short words out."""
    return [w for w in dict.fromkeys(fold(title).split()) if len(w) > 2 and w not in STOP_WORDS]


def similar_proposals(component: ComponentInstance, title: str) -> list[Proposal]:
    """Public proposals whose titles share significant words with `title`, most words shared first."""
    words = significant_words(title)[:12]
    if not words:
        return []

    match = Q()
    for word in words:
        match |= Q(folded_title__contains=f" {word} ")
    candidates = (
        Proposal.objects.with_scope(jurisdiction=component.jurisdiction)
        .filter(match, component=component, status__in=PUBLIC_STATUSES)
        .exclude(status=Proposal.Status.MERGED)
        .select_related("component__process", "component__jurisdiction")
        .order_by("-support_count", "-id")[:100]
    )
    wanted = set(words)
    ranked = sorted(candidates, key=lambda p: -len(wanted & set(p.folded_title.split())))
    return ranked[:SIMILAR_LIMIT]


def debates_of(component: ComponentInstance, *, held: bool = False) -> QuerySet[Debate]:
    """The component's public debates (or, with `held`, also those held for review)."""
    jurisdiction = component.jurisdiction
    debates = Debate.objects.with_scope(jurisdiction=jurisdiction).filter(component=component)
    return (
        (debates if held else debates.filter(held_reason="", hidden_reason=""))
        .annotate(comments_count=_comment_count(jurisdiction, Debate))
        .select_related("author", "component__process", "component__jurisdiction")
        .order_by("-created_at", "-id")
    )


def debate_for(component: ComponentInstance, pk: int) -> Debate | None:
    return debates_of(component, held=True).filter(pk=pk).first()


def held_for_review(component: ComponentInstance) -> tuple[list[Proposal], list[Debate]]:
    """The moderation queue: proposals and debates that looked like spam, oldest first."""
    proposals = (
        Proposal.objects.with_scope(jurisdiction=component.jurisdiction)
        .filter(component=component, status=Proposal.Status.HELD)
        .select_related("author", "component__process", "component__jurisdiction")
        .order_by("created_at", "id")
    )
    debates = (
        debates_of(component, held=True).exclude(held_reason="").filter(hidden_reason="").order_by("created_at", "id")
    )
    return list(proposals), list(debates)


def reported_comments(component: ComponentInstance) -> QuerySet[Comment]:
    """Visible comments with open reports on the component's proposals and debates: the queue's third part."""
    jurisdiction = component.jurisdiction
    return core_reported_comments(
        jurisdiction,
        {
            Proposal: Proposal.objects.with_scope(jurisdiction=jurisdiction).filter(component=component).values("pk"),
            Debate: Debate.objects.with_scope(jurisdiction=jurisdiction).filter(component=component).values("pk"),
        },
    )


def position_of(user, debate: Debate) -> str:
    if user is None or not user.is_authenticated:
        return ""
    return DebateVote.objects.filter(debate=debate, user=user).values_list("position", flat=True).first() or ""


def public_proposals(jurisdiction: Jurisdiction) -> QuerySet[Proposal]:
    """Every public proposal of the jurisdiction's published processes (exports and the API)."""
    proposals = Proposal.objects.with_scope(jurisdiction=jurisdiction).filter(
        status__in=PUBLIC_STATUSES, component__is_published=True, component__process__is_published=True
    )
    return _with_related(proposals, jurisdiction).order_by("id")


def supportable(jurisdiction: Jurisdiction, pk: int) -> Proposal | None:
    """A public proposal with just what casting a support reads (its component, process and jurisdiction): the API's
    hot write path, without the author, tags and attachments a proposal's page or document shows."""
    found = (
        Proposal.objects.with_scope(jurisdiction=jurisdiction)
        .filter(pk=pk, status__in=PUBLIC_STATUSES, component__is_published=True, component__process__is_published=True)
        .select_related("component")
        .only("id", "jurisdiction_id", "status", "published_at", "component")
        .first()
    )
    if found is not None:
        found.component.jurisdiction = jurisdiction  # the instance the caller holds, not a third join
    return found


def public_debates(jurisdiction: Jurisdiction) -> QuerySet[Debate]:
    return (
        Debate.objects.with_scope(jurisdiction=jurisdiction)
        .filter(component__is_published=True, component__process__is_published=True, held_reason="", hidden_reason="")
        .annotate(comments_count=_comment_count(jurisdiction, Debate))
        .select_related("author", "component__process", "component__jurisdiction")
        .order_by("id")
    )


def component_figures(component: ComponentInstance) -> list[tuple[str, int]]:
    """The process page's figures: public proposals and the supports they gathered."""
    from django.db.models import Sum
    from django.utils.translation import gettext as _

    proposals = Proposal.objects.with_scope(jurisdiction=component.jurisdiction).filter(
        component=component, status__in=PUBLIC_STATUSES
    )
    totals = proposals.aggregate(count=Count("id"), supports=Sum("support_count"))
    return [(_("proposals"), totals["count"]), (_("supports"), totals["supports"] or 0)]


def account_participation(user) -> dict:
    """An account's proposals, debates, supports and debate votes, for its data download (across jurisdictions)."""
    return {
        "proposals": [
            {"id": p.pk, "jurisdiction": p.jurisdiction.slug, "title": p.title, "status": p.status}
            for p in Proposal.objects.filter(author=user).select_related("jurisdiction").order_by("id")
        ],
        "debates": [
            {"id": d.pk, "jurisdiction": d.jurisdiction.slug, "title": d.title}
            for d in Debate.objects.filter(author=user).select_related("jurisdiction").order_by("id")
        ],
        "supports": [
            {"proposal": s.proposal_id, "jurisdiction": s.jurisdiction.slug, "created_at": s.created_at.isoformat()}
            for s in Support.objects.filter(user=user).select_related("jurisdiction").order_by("id")
        ],
        "debate_votes": [
            {"debate": v.debate_id, "position": v.position} for v in DebateVote.objects.filter(user=user).order_by("id")
        ],
    }


def _syntheses(jurisdiction) -> QuerySet[Synthesis]:
    entries = SynthesisEntry.objects.with_scope(jurisdiction=jurisdiction).select_related(
        "proposal__component__process", "proposal__component__jurisdiction"
    )
    groups = SynthesisGroup.objects.with_scope(jurisdiction=jurisdiction).prefetch_related(
        Prefetch("entries", queryset=entries.order_by("proposal_id"))
    )
    return (
        Synthesis.objects.with_scope(jurisdiction=jurisdiction)
        .select_related("component__process", "component__jurisdiction", "phase")
        .prefetch_related(Prefetch("groups", queryset=groups))
    )


def syntheses_of(component: ComponentInstance) -> QuerySet[Synthesis]:
    return _syntheses(component.jurisdiction).filter(component=component)


def synthesis_for(component: ComponentInstance, pk: int) -> Synthesis | None:
    return syntheses_of(component).filter(pk=pk).first()


def public_syntheses(jurisdiction: Jurisdiction) -> QuerySet[Synthesis]:
    return (
        _syntheses(jurisdiction)
        .filter(component__is_published=True, component__process__is_published=True)
        .order_by("id")
    )


def answers_of(proposal: Proposal) -> list[SynthesisEntry]:
    """The synthesis groups that answered this proposal, newest synthesis first."""
    return list(
        SynthesisEntry.objects.with_scope(jurisdiction=proposal.jurisdiction_id)
        .filter(proposal=proposal)
        .select_related("group", "synthesis__component__process", "synthesis__component__jurisdiction")
        .order_by("-synthesis__published_at")
    )


def answerable_proposals(component: ComponentInstance) -> QuerySet[Proposal]:
    """What an official may group in a synthesis: every public proposal of the component, by number."""
    return (
        Proposal.objects.with_scope(jurisdiction=component.jurisdiction)
        .filter(component=component, status__in=PUBLIC_STATUSES)
        .order_by("id")
    )


def count_comments(jurisdiction_id: int, proposal_id: int) -> int:
    """Visible comments on a proposal, counted afresh (signals keep Proposal.comments_count from it)."""
    return (
        Comment.objects.with_scope(jurisdiction=jurisdiction_id)
        .filter(content_type=ContentType.objects.get_for_model(Proposal), object_id=proposal_id, is_hidden=False)
        .count()
    )
