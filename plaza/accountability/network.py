"""The network view: every member's plans and commitments, read across jurisdictions (public data only).

Each read here opens `across_jurisdictions()` explicitly and keeps to active jurisdictions under the
network; plans and commitments are public by nature (OGP co-creation happens in the open).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from plaza.accountability.models import (
    ActionPlan,
    Commitment,
    CommitmentTopic,
    PlanStatus,
    TopicKind,
)
from plaza.accountability.signals import TOPIC
from plaza.core import fragments
from plaza.core.models import Jurisdiction, SDGTag
from plaza.core.tenancy import across_jurisdictions

PAGE_SIZE = 50


CACHE_SECONDS = 3600  # kept under the version of accountability's kept pieces: any change retires them at once


def member_ids(network: Jurisdiction) -> list[int]:
    """The ids of the active jurisdictions under `network` (any depth), itself excluded, by name; one query, then
    cached (as plain numbers: unpickling 300 model instances on every page cost more than the page's reads)
    under the version a jurisdiction's save moves (`signals.py`)."""
    key = f"accountability:network-member-ids:{network.pk}:{fragments.version(TOPIC)}"
    found = cache.get(key)
    if found is None:
        found = [member.pk for member in _members_of(network)]
        cache.set(key, found, CACHE_SECONDS)
    return found


def _members_of(network: Jurisdiction) -> list[Jurisdiction]:
    with across_jurisdictions():
        nodes = list(Jurisdiction.objects.filter(is_active=True).only("id", "parent_id", "slug", "name", "kind"))
    children: dict[int | None, list[Jurisdiction]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    found, stack = [], list(children.get(network.pk, []))
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children.get(node.pk, []))
    return sorted(found, key=lambda j: j.name)


@dataclass(frozen=True)
class Filters:
    policy_area: str = ""
    ogp_value: str = ""
    sdg: int | None = None
    status: str = ""

    @classmethod
    def from_query(cls, query) -> "Filters":
        sdg = query.get("sdg", "")
        status = query.get("status", "")
        value = query.get("ogp_value", "")
        return cls(
            policy_area=query.get("policy_area", "")[:120],
            ogp_value=value if value in dict(_ogp_values()) else "",
            sdg=int(sdg) if sdg.isdigit() and 1 <= int(sdg) <= 17 else None,
            status=status if status in PlanStatus.values else "",
        )


def _ogp_values():
    from plaza.accountability.models import OGPValue

    return OGPValue.choices


def commitments(ids: list[int], filters: Filters, page_number: int = 1) -> Page:
    """One page of the commitments of jurisdictions `ids` matching `filters` (with their kept `.completion`):
    jurisdiction by jurisdiction in the order of `ids` (by name), the newest plan first, then by number.

    The page is found from how many commitments match in each jurisdiction (one aggregate), then only the
    jurisdictions on it are read and sorted, not every member's commitments (6,000 in a network of 300).
    """
    with across_jurisdictions():
        matching = _matching(ids, filters)
        per_place = dict(
            matching.order_by().values("jurisdiction_id").annotate(n=Count("id")).values_list("jurisdiction_id", "n")
        )
        paginator = Paginator(range(sum(per_place.values())), PAGE_SIZE)
        page = paginator.get_page(page_number)
        start = (page.number - 1) * PAGE_SIZE
        places, skip, before = [], 0, 0
        for pk in ids:
            n = per_place.get(pk, 0)
            if n and before + n > start and before < start + PAGE_SIZE:
                skip = skip if places else start - before
                places.append(pk)
            before += n
        rows = list(
            matching.filter(jurisdiction_id__any_of=places)
            .select_related("plan__jurisdiction", "jurisdiction")
            .order_by("-plan__period_start", "plan_id", "number")
        )
        rank = {pk: position for position, pk in enumerate(places)}
        rows.sort(key=lambda row: rank[row.jurisdiction_id])  # stable: each place keeps its plans' order
        rows = rows[skip : skip + PAGE_SIZE]
        _set_topics(rows)
    return Page(rows, page.number, paginator)


def _matching(ids: list[int], filters: Filters):
    rows = Commitment.objects.filter(jurisdiction_id__any_of=ids)
    for kind, slug in ((TopicKind.POLICY_AREA, filters.policy_area), (TopicKind.OGP_VALUE, filters.ogp_value)):
        if slug:
            topics = CommitmentTopic.objects.filter(commitment=OuterRef("pk"), kind=kind, slug=slug)
            rows = rows.filter(Exists(topics))
    if filters.sdg:
        commitment_type = ContentType.objects.get_for_model(Commitment)
        tags = SDGTag.objects.filter(content_type=commitment_type, object_id=OuterRef("pk"), goal__number=filters.sdg)
        rows = rows.filter(Exists(tags))
    if filters.status:
        rows = rows.filter(plan__status=filters.status)
    return rows


def _set_topics(items: list[Commitment]) -> None:
    found: dict[int, list[CommitmentTopic]] = defaultdict(list)
    for topic in CommitmentTopic.objects.filter(commitment__in=items, kind=TopicKind.POLICY_AREA):
        found[topic.commitment_id].append(topic)
    for item in items:
        item.topic_list = found.get(item.pk, [])


def set_addresses(items: list[Commitment], network: Jurisdiction) -> None:
    """`.url` and `.plan_url` on each commitment, `.url` on each of its topics: one reverse() per plan and per
    topic on the page rather than one per row and link (the overview's table links each three or four times)."""
    plans: dict[int, str] = {}
    topics: dict[str, str] = {}
    for item in items:
        item.url = item.get_absolute_url()
        if item.plan_id not in plans:
            plans[item.plan_id] = item.plan.get_absolute_url()
        item.plan_url = plans[item.plan_id]
        for topic in getattr(item, "topic_list", []):
            if topic.slug not in topics:
                topics[topic.slug] = reverse(
                    "accountability:topic", kwargs={"jurisdiction": network.slug, "topic": topic.slug}
                )
            topic.url = topics[topic.slug]


def policy_areas(ids: list[int]) -> list[tuple[str, str, int, int]]:
    """(slug, label, jurisdictions, commitments) for every policy area of jurisdictions `ids`, most shared first.

    Two aggregates over every member's topics: cached, keyed by the member list and the version any commitment's
    topics move.
    """
    members = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()
    key = f"accountability:policy-areas:{members}:{fragments.version(TOPIC)}"
    found = cache.get(key)
    if found is None:
        found = _policy_areas(ids)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _policy_areas(ids: list[int]) -> list[tuple[str, str, int, int]]:
    with across_jurisdictions():
        rows = (
            CommitmentTopic.objects.filter(jurisdiction_id__any_of=ids, kind=TopicKind.POLICY_AREA)
            .values("slug")
            .annotate(jurisdictions=Count("jurisdiction_id", distinct=True), commitments=Count("commitment_id"))
            .order_by("-jurisdictions", "slug")
        )
        labels: dict[str, str] = {}
        spelled = (
            CommitmentTopic.objects.filter(jurisdiction_id__any_of=ids, kind=TopicKind.POLICY_AREA)
            .values_list("slug", "label")
            .annotate(n=Count("id"))
            .order_by("slug", "-n", "label")
        )
        for slug, label, _n in spelled:
            labels.setdefault(slug, label)  # the most used spelling
        return [(r["slug"], labels.get(r["slug"], r["slug"]), r["jurisdictions"], r["commitments"]) for r in rows]


def who_else(ids: list[int], slug: str) -> list[tuple[Jurisdiction, list[Commitment]]]:
    """Every jurisdiction of `ids` that committed to the policy area `slug`, with those commitments."""
    with across_jurisdictions():
        rows = list(
            Commitment.objects.filter(
                jurisdiction_id__any_of=ids, topics__kind=TopicKind.POLICY_AREA, topics__slug=slug
            )
            .select_related("plan__jurisdiction", "jurisdiction")
            .order_by("jurisdiction__name", "plan__period_start", "number")
            .distinct()
        )
    grouped: dict[int, list[Commitment]] = defaultdict(list)
    places = {}
    for row in rows:
        grouped[row.jurisdiction_id].append(row)
        places[row.jurisdiction_id] = row.jurisdiction
    return [(places[pk], grouped[pk]) for pk in grouped]


def plan_counts(ids: list[int]) -> dict[str, int]:
    with across_jurisdictions():
        counts = dict(
            ActionPlan.objects.filter(jurisdiction_id__any_of=ids)
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
    return counts
