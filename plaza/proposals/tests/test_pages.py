"""HTTP pages: the index with filters, orders and paging; similar proposals; writing, supporting, debates."""

import pytest
from django.contrib.contenttypes.models import ContentType

from plaza.core.models import Role, SDGGoal, SDGTag
from plaza.core.tests.factories import RoleGrantFactory, UserFactory
from plaza.proposals.models import Proposal, Support
from plaza.proposals.tests.factories import DebateFactory, ProposalFactory, verified_user

pytestmark = pytest.mark.django_db


def url(component, rest=""):
    return f"{component.get_absolute_url()}{rest}"


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


def test_the_index_filters_and_orders(client, component, django_assert_max_num_queries):
    a = ProposalFactory(component=component, title="Bike lanes", category="Mobility", support_count=5)
    b = ProposalFactory(component=component, title="Tree planting", category="Environment", support_count=9)
    ProposalFactory(component=component, title="Secret draft", status=Proposal.Status.DRAFT)
    ProposalFactory(component=component, title="Hidden ad", status=Proposal.Status.HIDDEN, hidden_reason="Spam")
    ProposalFactory(component=component, title="Old idea", status=Proposal.Status.ARCHIVED)
    a.tags.create(jurisdiction=a.jurisdiction, name="bikes")
    SDGTag.objects.create(
        jurisdiction=b.jurisdiction,
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=b.pk,
        goal=SDGGoal.objects.get(number=13),
    )
    with django_assert_max_num_queries(25):
        response = client.get(url(component), {"order": "most_supported"})
    assert response.status_code == 200
    assert titles(response) == ["Tree planting", "Bike lanes"]
    assert titles(client.get(url(component), {"category": "Mobility"})) == ["Bike lanes"]
    assert titles(client.get(url(component), {"tag": "Bikes"})) == ["Bike lanes"]
    assert titles(client.get(url(component), {"goal": "13"})) == ["Tree planting"]
    assert titles(client.get(url(component), {"status": "archived"})) == ["Old idea"]
    assert "Secret draft" not in client.get(url(component)).content.decode()


def test_the_index_query_count_does_not_grow_with_the_page(client, component, django_assert_max_num_queries):
    for n in range(25):
        proposal = ProposalFactory(component=component, latitude=40.4, longitude=-3.7)
        proposal.tags.create(jurisdiction=proposal.jurisdiction, name=f"tag{n}")
    with django_assert_max_num_queries(25):
        response = client.get(url(component), {"order": "most_commented"})
    assert len(response.context["page"].object_list) == 20
    assert "Proposals on the map" in response.content.decode()


def test_random_order_is_stable_for_one_visitor(client, component):
    for _n in range(12):
        ProposalFactory(component=component)
    first = titles(client.get(url(component), {"order": "random"}))
    assert titles(client.get(url(component), {"order": "random"})) == first
    other = client.__class__(HTTP_ACCEPT_LANGUAGE="en")
    orders = {tuple(titles(other.get(url(component), {"order": "random"})))}
    assert sorted(first) == sorted(next(iter(orders)))


def test_search_through_the_core_index(client, component):
    from plaza.core.search import index_object

    found = ProposalFactory(component=component, title="Solar panels on schools")
    index_object(found)
    index_object(ProposalFactory(component=component, title="Night buses"))
    assert titles(client.get(url(component), {"q": "solar"})) == ["Solar panels on schools"]


def test_checking_for_similar_proposals_without_javascript(client, component):
    ProposalFactory(component=component, title="Más carriles bici en la Castellana")
    ProposalFactory(component=component, title="Fuentes en los parques")
    response = client.get(url(component, "new/"), {"title": "Carriles BICI para el barrio"})
    body = response.content.decode()
    assert "Más carriles bici en la Castellana" in body
    assert "Fuentes en los parques" not in body
    assert 'value="Carriles BICI para el barrio"' in body  # the title carries over into the form


def test_stop_words_alone_do_not_make_proposals_similar(client, component):
    ProposalFactory(component=component, title="La fiesta de la calle")
    response = client.get(url(component, "new/"), {"title": "Un plan de la ciudad"})
    assert "No published proposal has a title like this one." in response.content.decode()


def test_writing_a_proposal_refuses_bad_input_with_400(client, component):
    client.force_login(UserFactory())
    response = client.post(url(component, "new/"), {"title": "", "summary": "s", "body": "b", "location": "999, 1"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_title_error"' in body and 'id="id_location_error"' in body
    assert not Proposal.objects.exists()


def test_writing_then_publishing_a_proposal(client, component):
    author = UserFactory()
    client.force_login(author)
    response = client.post(
        url(component, "new/"),
        {
            "title": "Benches",
            "summary": "More benches.",
            "body": "<script>x</script>**Please**",
            "location": "40.41, -3.70",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "<strong>Please</strong>" in page and "<script>x" not in page
    client.post(f"{proposal.get_absolute_url()}publish/")
    assert Proposal.objects.get().status == Proposal.Status.PUBLISHED
    client.logout()
    assert client.get(proposal.get_absolute_url()).status_code == 200


def test_a_draft_is_only_for_its_author(client, component):
    draft = ProposalFactory(component=component, status=Proposal.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_hidden_proposal_shows_only_the_reason(client, component):
    hidden = ProposalFactory(component=component, status=Proposal.Status.HIDDEN, hidden_reason="Advertising")
    body = client.get(hidden.get_absolute_url()).content.decode()
    assert "A moderator hid this proposal: Advertising" in body
    assert hidden.body not in body


def test_supporting_from_the_page(client, component):
    proposal = ProposalFactory(component=component)
    client.force_login(verified_user(component.jurisdiction))
    response = client.post(f"{proposal.get_absolute_url()}support/", follow=True)
    assert "You support this proposal." in response.content.decode()
    again = client.post(f"{proposal.get_absolute_url()}support/")
    assert again.status_code == 400 and "already supported" in again.content.decode()
    assert Support.objects.count() == 1


def test_an_unverified_resident_is_told_to_verify(client, component):
    proposal = ProposalFactory(component=component)
    client.force_login(UserFactory())
    assert "Verify your identity" in client.get(proposal.get_absolute_url()).content.decode()
    assert client.post(f"{proposal.get_absolute_url()}support/").status_code == 403


def test_a_moderator_hides_from_the_page(client, component):
    proposal = ProposalFactory(component=component)
    moderator = UserFactory()
    RoleGrantFactory(jurisdiction=component.jurisdiction, user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    assert client.post(f"{proposal.get_absolute_url()}hide/", {"reason": ""}).status_code == 400
    client.post(f"{proposal.get_absolute_url()}hide/", {"reason": "Off topic"})
    assert Proposal.objects.get().status == Proposal.Status.HIDDEN
    client.force_login(UserFactory())
    assert client.get(f"{proposal.get_absolute_url()}hide/").status_code == 403


def test_debates_agree_and_comment(client, component):
    debate = DebateFactory(component=component, title="Trams on Gran Vía?")
    assert "Trams on Gran Vía?" in client.get(url(component, "debates/")).content.decode()
    client.force_login(UserFactory())
    client.post(f"{debate.get_absolute_url()}vote/", {"position": "agree"})
    page = client.get(debate.get_absolute_url()).content.decode()
    assert "1 agree · 0 disagree" in page and "You agree." in page
    client.post(f"{debate.get_absolute_url()}vote/", {"position": "disagree"})
    assert "0 agree · 1 disagree" in client.get(debate.get_absolute_url()).content.decode()
    assert client.post(f"{debate.get_absolute_url()}vote/", {"position": "maybe"}).status_code == 400


def test_starting_a_debate_from_the_page(client, component):
    client.force_login(UserFactory())
    assert client.post(url(component, "debates/new/"), {"title": "", "body": "b"}).status_code == 400
    response = client.post(url(component, "debates/new/"), {"title": "Night markets?", "body": "Yes?"})
    assert response.status_code == 302


def test_exports_give_support_counts(client, component):
    ProposalFactory(component=component, title="Counted", support_count=7)
    ProposalFactory(component=component, title="Hidden", status=Proposal.Status.HIDDEN, hidden_reason="x")
    response = client.get(f"/{component.jurisdiction.slug}/proposals/export/proposals.json")
    rows = response.json()["rows"]
    assert [(r["title"], r["supports"]) for r in rows] == [("Counted", 7)]
    streamed = client.get(f"/{component.jurisdiction.slug}/proposals/export/proposals.csv").streaming_content
    csv = b"".join(streamed).decode()
    assert "Counted" in csv and "Hidden" not in csv


def test_stats_count_public_proposals_and_supports(component):
    ProposalFactory(component=component, support_count=4)
    ProposalFactory(component=component, support_count=2)
    ProposalFactory(component=component, status=Proposal.Status.DRAFT)
    assert [n for _label, n in component.stats()] == [2, 6]


INDEX_VARIANTS = [{"order": order} for order in ("hot", "most_supported", "newest", "most_commented", "random")] + [
    {"category": "Mobility"},
    {"tag": "bikes"},
    {"goal": "11"},
    {"status": "archived"},
]


@pytest.mark.parametrize("params", INDEX_VARIANTS, ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()))
def test_the_index_runs_the_same_queries_whatever_the_page_size(
    client, component, params, monkeypatch, django_assert_num_queries
):
    """Each order and filter: one page of 3 and one of 30 cost the same number of queries (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plaza.proposals import views

    goal = SDGGoal.objects.get(number=11)
    status = Proposal.Status.ARCHIVED if params.get("status") else Proposal.Status.PUBLISHED
    for n in range(30):
        proposal = ProposalFactory(
            component=component, category="Mobility", status=status, latitude=40.4, longitude=-3.7, support_count=n
        )
        proposal.tags.create(jurisdiction=proposal.jurisdiction, name="bikes")
        SDGTag.objects.create(
            jurisdiction=proposal.jurisdiction,
            content_type=ContentType.objects.get_for_model(Proposal),
            object_id=proposal.pk,
            goal=goal,
        )
    client.get(url(component), params)  # warm the per-process caches (content types, the session)
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url(component), params).context["page"].object_list) == 3
    monkeypatch.setattr(views, "PAGE_SIZE", 30)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(client.get(url(component), params).context["page"].object_list) == 30


def test_the_map_page_shows_every_located_proposal_and_the_index_its_page(client, component):
    for n in range(25):
        ProposalFactory(component=component, title=f"Bench {n}", latitude=40.4, longitude=-3.7, category="Health")
    ProposalFactory(component=component, title="Nowhere in particular")
    index = client.get(url(component))
    on_page = [p.title for p in index.context["page"].object_list if p.latitude is not None]
    assert [place["name"] for place in index.context["map"]["places"]] == on_page and len(on_page) >= 19
    page = client.get(url(component, "map/"), {"category": "Health"})
    body = page.content.decode()
    assert page.status_code == 200 and len(page.context["map"]["places"]) == 25
    assert "Bench 24" in body and "Nowhere in particular" not in body


def test_kept_cards_and_filter_fields_show_what_each_request_asked_and_the_latest_counts(client, component):
    proposal = ProposalFactory(component=component, title="Bike lanes", category="Mobility", support_count=5)
    page = client.get(url(component), {"order": "newest"}).content.decode()
    assert '<option value="newest" selected>' in page and "5 supports" in page
    again = client.get(url(component), {"order": "random"}).content.decode()
    assert '<option value="random" selected>' in again and '<option value="newest" selected>' not in again
    for words in ("bike", "lanes"):  # free words: the field shows this request's own
        assert f'value="{words}"' in client.get(url(component), {"q": words}).content.decode()
    bad = client.get(url(component), {"goal": "99"})
    assert bad.status_code == 400 and 'class="error' in bad.content.decode()
    Proposal.objects.filter(pk=proposal.pk).update(support_count=6, title="Wider bike lanes")  # no signal at all
    page = client.get(url(component), {"order": "newest"}).content.decode()
    assert "6 supports" in page and "Wider bike lanes" in page and "5 supports" not in page
