"""The support cast path stays short: its SQL statements are pinned, and the hot score it moves stays exact."""

import pytest
from django.core.exceptions import ValidationError

from plaza.proposals import operations
from plaza.proposals.models import Proposal, Support
from plaza.proposals.operations import hot_score
from plaza.proposals.tests.factories import ProposalFactory, open_component, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def component(madrid, unscoped):
    return open_component(madrid, threshold_value=1000)


def test_a_support_is_five_statements_whatever_the_supports_already_cast(component, django_assert_num_queries):
    proposal = ProposalFactory(component=component)
    for _ in range(3):
        operations.support_proposal(actor=verified_user(component.jurisdiction), proposal=proposal)
    resident = verified_user(component.jurisdiction)
    proposal = Proposal.objects.select_related("component__jurisdiction").get(pk=proposal.pk)
    # verification level, person and block at once, phase, UPDATE count, INSERT, threshold UPDATE; + the savepoint
    with django_assert_num_queries(5 + 2):
        operations.support_proposal(actor=resident, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == 4 == Support.objects.filter(proposal=proposal).count()
    assert proposal.hot_score == pytest.approx(hot_score(4, proposal.published_at), abs=1e-9)


def test_a_refused_second_support_leaves_the_count_and_score_alone(component):
    proposal = ProposalFactory(component=component)
    resident = verified_user(component.jurisdiction)
    operations.support_proposal(actor=resident, proposal=proposal)
    before = Proposal.objects.get(pk=proposal.pk)
    with pytest.raises(ValidationError, match="already supported"):
        operations.support_proposal(
            actor=verified_user(component.jurisdiction, person=Support.objects.get().person), proposal=before
        )
    after = Proposal.objects.get(pk=proposal.pk)
    assert (after.support_count, after.hot_score) == (before.support_count, before.hot_score) == (1, before.hot_score)


def test_the_support_button_is_a_constant_number_of_queries(client, component, django_assert_num_queries):
    proposals = [ProposalFactory(component=component) for _ in range(2)]
    resident = verified_user(component.jurisdiction)
    client.force_login(resident)
    client.get(component.get_absolute_url())  # the session and its visitor seed exist
    # 4 to resolve the address and the account (core; the process with its phases and components is kept), 1
    # proposal row, 5 for the support, 2 savepoint
    for proposal in proposals:
        with django_assert_num_queries(12):
            response = client.post(f"{proposal.get_absolute_url()}support/")
        assert response.status_code == 302
    assert Support.objects.filter(user=resident).count() == 2


def test_random_order_is_the_visitor_rotation_of_stored_keys_paged_without_gaps(client, component, monkeypatch):
    from plaza.proposals import queries, views

    proposals = [ProposalFactory(component=component) for _ in range(9)]
    ProposalFactory(component=component, status=Proposal.Status.HIDDEN, hidden_reason="spam")
    keys = sorted((p.random_key, p.pk) for p in proposals)
    seed = keys[4][0]  # the visitor starts mid-way: keys from the seed on, then the ones before it
    expected = [pk for _key, pk in keys[4:] + keys[:4]]
    order = queries.index_pages(component, queries.ProposalFilters(order="random", seed=seed))
    assert order.count() == 9
    assert [p.pk for p in order[0:9]] == expected
    assert [p.pk for p in order[3:6]] == expected[3:6]  # a page across the wrap-around
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    session = client.session
    session[views.SEED_KEY] = seed
    session.save()
    seen = []
    for page in (1, 2, 3):
        response = client.get(component.get_absolute_url(), {"order": "random", "page": page})
        seen += [p.pk for p in response.context["page"].object_list]
    assert seen == expected
