"""The network view: staff see every member's commitments with filters; "who else committed to …?" is public."""

import pytest
from django_scopes import scopes_disabled

from plaza.accountability.models import CommitmentTopic, PlanStatus
from plaza.accountability.operations import post_progress_update
from plaza.accountability.tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory
from plaza.core.models import Jurisdiction, Role
from plaza.core.operations.sdg import set_sdg_tags
from plaza.core.tests.factories import JurisdictionFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db
OVERVIEW = "/ogp-local/accountability/network/"


@pytest.fixture
def network(db, unscoped):
    ogp = JurisdictionFactory(slug="ogp-local", name="OGP Local", kind=Jurisdiction.Kind.NETWORK)
    france = JurisdictionFactory(slug="france", name="France", kind=Jurisdiction.Kind.COUNTRY, parent=ogp)
    paris = JurisdictionFactory(slug="paris", name="Paris", parent=france)
    tbilisi = JurisdictionFactory(slug="tbilisi", name="Tbilisi", parent=ogp)
    JurisdictionFactory(slug="outsider", name="Outsider")  # not a member
    JurisdictionFactory(slug="asleep", name="Asleep", parent=ogp, is_active=False)
    return ogp, paris, tbilisi


@pytest.fixture
def staff(network):
    user = UserFactory(public_name="OGP staff")
    RoleGrantFactory(jurisdiction=network[0], user=user, role=Role.NETWORK_STAFF)
    return user


@pytest.fixture
def commitments(network, unscoped):
    _ogp, paris, tbilisi = network
    paris_plan = ActionPlanFactory(jurisdiction=paris, slug="climate", title="Paris climate plan")
    tbilisi_plan = ActionPlanFactory(
        jurisdiction=tbilisi, slug="2024", title="Tbilisi plan", status=PlanStatus.CO_CREATION
    )
    outsider_plan = ActionPlanFactory(jurisdiction=Jurisdiction.objects.get(slug="outsider"), slug="x")
    contracting = CommitmentFactory(
        plan=paris_plan, number=1, title="Paris open contracting", policy_areas=["Open contracting"]
    )
    budget = CommitmentFactory(
        plan=paris_plan,
        number=2,
        title="Paris participatory budget",
        policy_areas=["Participatory budgeting"],
        ogp_values=["civic_participation"],
    )
    tbilisi_contracting = CommitmentFactory(
        plan=tbilisi_plan, number=1, title="Tbilisi e-procurement", policy_areas=["open  contracting"]
    )
    CommitmentFactory(plan=outsider_plan, number=1, title="Outsider contracting", policy_areas=["Open contracting"])
    return contracting, budget, tbilisi_contracting


def test_topics_are_kept_with_the_commitment_and_normalised(commitments):
    contracting, _budget, tbilisi = commitments
    assert set(CommitmentTopic.objects.filter(commitment=tbilisi).values_list("kind", "slug")) == {
        ("policy_area", "open-contracting"),
        ("ogp_value", "access_to_information"),
    }
    assert (
        CommitmentTopic.objects.get(commitment=contracting, kind="policy_area").jurisdiction == contracting.jurisdiction
    )


def test_only_network_staff_see_the_overview(client, network, commitments, staff):
    assert client.get(OVERVIEW).status_code == 302
    client.force_login(UserFactory())
    assert client.get(OVERVIEW).status_code == 403
    paris_admin = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=network[1], user=paris_admin, role=Role.ADMIN)
    client.force_login(paris_admin)
    assert client.get(OVERVIEW).status_code == 403
    assert client.get("/paris/accountability/network/").status_code == 404  # not a network


def test_overview_lists_members_commitments_across_jurisdictions_with_completion(
    client, network, commitments, staff, django_assert_max_num_queries
):
    contracting = commitments[0]
    official = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=network[1], user=official, role=Role.OFFICIAL)
        first, _second = MilestoneFactory(commitment=contracting), MilestoneFactory(commitment=contracting)
        post_progress_update(
            actor=official, milestone=first, side="government", status="complete", percentage=100, narrative="Done"
        )
    client.force_login(staff)
    with django_assert_max_num_queries(16):  # the same for 3 or 3,000 commitments: one page, fixed reads
        text = client.get(OVERVIEW).content.decode()
    assert "Paris open contracting" in text and "Tbilisi e-procurement" in text
    assert "Outsider contracting" not in text  # not a member of the network
    assert "3 commitments" in text and "50%" in text


@pytest.mark.parametrize(
    "query, expected",
    [
        ("policy_area=open-contracting", {"Paris open contracting", "Tbilisi e-procurement"}),
        ("ogp_value=civic_participation", {"Paris participatory budget"}),
        ("status=co_creation", {"Tbilisi e-procurement"}),
        ("sdg=16", {"Paris open contracting"}),
        (
            "sdg=99&status=nonsense&ogp_value=x",
            {"Paris open contracting", "Paris participatory budget", "Tbilisi e-procurement"},
        ),
    ],
)
def test_overview_filters(client, network, commitments, staff, query, expected):
    official = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=network[1], user=official, role=Role.OFFICIAL)
        set_sdg_tags(actor=official, content=commitments[0], goals=[16])
    client.force_login(staff)
    text = client.get(f"{OVERVIEW}?{query}").content.decode()
    titles = {"Paris open contracting", "Paris participatory budget", "Tbilisi e-procurement"}
    assert {t for t in titles if t in text} == expected


def test_who_else_committed_to_open_contracting_is_public(client, commitments):
    topics = client.get("/ogp-local/accountability/network/topics/").content.decode()
    assert "Open contracting" in topics and "2 jurisdictions" in topics
    page = client.get("/ogp-local/accountability/network/topics/open-contracting/")
    text = page.content.decode()
    assert page.status_code == 200 and "Who committed to Open contracting" in text
    assert "Paris open contracting" in text and "Tbilisi e-procurement" in text and "Outsider" not in text
    assert client.get("/ogp-local/accountability/network/topics/knitting/").status_code == 404


def test_overview_pages_run_place_by_place_in_name_order_newest_plan_first(
    client, network, commitments, staff, monkeypatch
):
    from plaza.accountability import network as network_view

    _ogp, paris, tbilisi = network
    with scopes_disabled():
        older = ActionPlanFactory(
            jurisdiction=paris, slug="old", title="Paris old plan", period_start="2020-01-01", period_end="2021-12-31"
        )
        CommitmentFactory(plan=older, number=1, title="Paris old commitment")
        CommitmentFactory(plan=older, number=2, title="Paris older commitment")
    monkeypatch.setattr(network_view, "PAGE_SIZE", 2)
    client.force_login(staff)
    shown = []
    for number in (1, 2, 3):
        text = client.get(f"{OVERVIEW}?page={number}").content.decode()
        assert "5 commitments" in text and f"Page {number} of 3" in text
        shown += [title for title in _TITLES if title in text]
    assert shown == _TITLES
    assert "Tbilisi e-procurement" in client.get(f"{OVERVIEW}?page=99").content.decode()  # the last page


_TITLES = [
    "Paris open contracting",
    "Paris participatory budget",
    "Paris old commitment",
    "Paris older commitment",
    "Tbilisi e-procurement",
]
