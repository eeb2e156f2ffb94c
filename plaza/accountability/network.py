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

from plaza.accountability.models import (
    ActionPlan,
    Commitment,
    CommitmentTopic,
    Milestone,
    PlanStatus,
    ProgressUpdate,
    Side,
    TopicKind,
)
from plaza.core.models import Jurisdiction, SDGTag
from plaza.core.tenancy import across_jurisdictions

PAGE_SIZE = 50


CACHE_SECONDS = 300  # the network's membership and its list of policy areas change rarely; pages may lag this much


def members_of(network: Jurisdiction) -> list[Jurisdiction]:
    """The active jurisdictions under `network` (any depth), itself excluded; one query, then cached."""
    key = f"accountability:network-members:{network.pk}"
    found = cache.get(key)
    if found is None:
        found = _members_of(network)
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
    """One page of the commitments of jurisdictions `ids` matching `filters`, each with `.completion`."""
    with across_jurisdictions():
        rows = Commitment.objects.filter(jurisdiction_id__in=ids).select_related("plan__jurisdiction", "jurisdiction")
        if filters.policy_area:
            rows = rows.filter(
                Exists(
                    CommitmentTopic.objects.filter(
                        commitment=OuterRef("pk"), kind=TopicKind.POLICY_AREA, slug=filters.policy_area
                    )
                )
            )
        if filters.ogp_value:
            rows = rows.filter(
                Exists(
                    CommitmentTopic.objects.filter(
                        commitment=OuterRef("pk"), kind=TopicKind.OGP_VALUE, slug=filters.ogp_value
                    )
                )
            )
        if filters.sdg:
            rows = rows.filter(
                Exists(
                    SDGTag.objects.filter(
                        content_type=ContentType.objects.get_for_model(Commitment),
                        object_id=OuterRef("pk"),
                        goal__number=filters.sdg,
                    )
                )
            )
        if filters.status:
            rows = rows.filter(plan__status=filters.status)
        rows = rows.order_by("jurisdiction__name", "-plan__period_start", "plan_id", "number")
        page = Paginator(rows, PAGE_SIZE).get_page(page_number)
        _set_completion(list(page.object_list))
        _set_topics(list(page.object_list))
    return page


def _set_completion(items: list[Commitment]) -> None:
    """`.completion` on each: the mean of its milestones' current government percentages (two queries)."""
    if not items:
        return
    ids = [item.pk for item in items]
    counts = dict(
        Milestone.objects.filter(commitment_id__in=ids)
        .order_by()
        .values("commitment_id")
        .annotate(n=Count("id"))
        .values_list("commitment_id", "n")
    )
    sums: dict[int, int] = defaultdict(int)
    current = (
        ProgressUpdate.objects.filter(
            milestone__commitment_id__in=ids, side=Side.GOVERNMENT, superseded_by__isnull=True
        )
        .order_by()
        .values_list("milestone__commitment_id", "percentage")
    )
    for commitment_id, percentage in current:
        sums[commitment_id] += percentage
    for item in items:
        n = counts.get(item.pk, 0)
        item.completion = round(sums[item.pk] / n) if n else 0


def _set_topics(items: list[Commitment]) -> None:
    found: dict[int, list[CommitmentTopic]] = defaultdict(list)
    for topic in CommitmentTopic.objects.filter(commitment__in=items, kind=TopicKind.POLICY_AREA):
        found[topic.commitment_id].append(topic)
    for item in items:
        item.topic_list = found.get(item.pk, [])


def policy_areas(ids: list[int]) -> list[tuple[str, str, int, int]]:
    """(slug, label, jurisdictions, commitments) for every policy area of jurisdictions `ids`, most shared first.

    Two aggregates over every member's topics: cached, keyed by the member list.
    """
    key = "accountability:policy-areas:" + hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _policy_areas(ids)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _policy_areas(ids: list[int]) -> list[tuple[str, str, int, int]]:
    with across_jurisdictions():
        rows = (
            CommitmentTopic.objects.filter(jurisdiction_id__in=ids, kind=TopicKind.POLICY_AREA)
            .values("slug")
            .annotate(jurisdictions=Count("jurisdiction_id", distinct=True), commitments=Count("commitment_id"))
            .order_by("-jurisdictions", "slug")
        )
        labels: dict[str, str] = {}
        spelled = (
            CommitmentTopic.objects.filter(jurisdiction_id__in=ids, kind=TopicKind.POLICY_AREA)
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
            Commitment.objects.filter(jurisdiction_id__in=ids, topics__kind=TopicKind.POLICY_AREA, topics__slug=slug)
            .select_related("plan__jurisdiction", "jurisdiction")
            .order_by("jurisdiction__name", "plan__period_start", "number")
            .distinct()
        )
        _set_completion(rows)
    grouped: dict[int, list[Commitment]] = defaultdict(list)
    places = {}
    for row in rows:
        grouped[row.jurisdiction_id].append(row)
        places[row.jurisdiction_id] = row.jurisdiction
    return [(places[pk], grouped[pk]) for pk in grouped]


def plan_counts(ids: list[int]) -> dict[str, int]:
    with across_jurisdictions():
        counts = dict(
            ActionPlan.objects.filter(jurisdiction_id__in=ids)
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
    return counts
