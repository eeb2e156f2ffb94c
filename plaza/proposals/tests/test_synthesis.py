"""Syntheses: an official groups a phase's proposals and answers each group, as Paris did for its climate plan."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plaza.core.models import AuditEntry, Follow, Notification, Role
from plaza.core.tests.factories import PhaseFactory, RoleGrantFactory, UserFactory
from plaza.proposals import operations
from plaza.proposals.models import Proposal, Synthesis, SynthesisEntry
from plaza.proposals.operations import SynthesisGroupText
from plaza.proposals.tests.factories import ProposalFactory, open_component

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(madrid):
    user = UserFactory()
    RoleGrantFactory(user=user, jurisdiction=madrid, role=Role.OFFICIAL)
    return user


@pytest.fixture
def proposals(component):
    return [
        ProposalFactory(component=component, title="Trees on school streets"),
        ProposalFactory(component=component, title="Green schoolyards", is_expert=True),
        ProposalFactory(component=component, title="Solar roofs"),
    ]


def publish(official, component, proposals, **overrides):
    if "groups" not in overrides:
        overrides["groups"] = [
            SynthesisGroupText("Greening", "We plant **1,000 trees** a year.", [proposals[0].pk, proposals[1].pk]),
            SynthesisGroupText("Energy", "Solar on every public roof by 2030.", [proposals[2].pk]),
        ]
    values = {"title": "Climate plan synthesis", "introduction": "What we heard."}
    return operations.publish_synthesis(actor=official, component=component, **{**values, **overrides})


def test_an_official_publishes_a_synthesis_and_followers_hear_the_answer(
    component, official, proposals, django_capture_on_commit_callbacks
):
    follower = UserFactory()
    Follow.objects.create(jurisdiction=component.jurisdiction, user=follower, target=proposals[2])
    phase = PhaseFactory(process=component.process, position=7)
    with django_capture_on_commit_callbacks(execute=True):
        synthesis = publish(official, component, proposals, phase=phase)
    assert [g.title for g in synthesis.groups.all()] == ["Greening", "Energy"]
    assert SynthesisEntry.objects.get(proposal=proposals[2]).group.title == "Energy"
    assert AuditEntry.objects.filter(action="proposal.synthesis", is_public=True).exists()
    assert Notification.objects.filter(recipient=follower, event="proposal.answered").count() == 1


@pytest.mark.parametrize(
    "groups, message",
    [
        ([], "at least one group"),
        ([SynthesisGroupText("", "An answer", [])], "needs a title and an answer"),
        ([SynthesisGroupText("A", "x", [1]), SynthesisGroupText("B", "y", [1])], "one group only"),
        ([SynthesisGroupText("A", "x", [999999])], "not published proposals"),
    ],
)
def test_bad_groups_are_refused_and_nothing_is_written(component, official, proposals, groups, message):
    if groups and groups[0].proposal_ids == [1]:
        groups = [SynthesisGroupText(g.title, g.answer, [proposals[0].pk]) for g in groups]
    with pytest.raises(ValidationError, match=message):
        publish(official, component, proposals, groups=groups)
    assert not Synthesis.objects.exists() and not SynthesisEntry.objects.exists()


def test_drafts_hidden_proposals_and_other_processes_cannot_be_answered(madrid, component, official):
    draft = ProposalFactory(component=component, status=Proposal.Status.DRAFT)
    elsewhere = ProposalFactory(component=open_component(madrid))
    for proposal in (draft, elsewhere):
        with pytest.raises(ValidationError, match="not published proposals"):
            publish(official, component, [], groups=[SynthesisGroupText("A", "x", [proposal.pk])])


def test_only_officials_and_admins_publish(component, proposals, paris_admin):
    for actor in (UserFactory(), paris_admin):  # a resident; another jurisdiction's admin
        with pytest.raises(PermissionDenied):
            publish(actor, component, proposals)


def test_the_pages_show_the_synthesis_and_each_proposal_its_answer(client, component, official, proposals):
    synthesis = publish(official, component, proposals)
    page = client.get(synthesis.get_absolute_url()).content.decode()
    assert "Greening" in page and "<strong>1,000 trees</strong>" in page and proposals[1].get_absolute_url() in page
    index = client.get(f"{component.get_absolute_url()}synthesis/").content.decode()
    assert "Climate plan synthesis" in index
    answered = client.get(proposals[2].get_absolute_url()).content.decode()
    assert "The official answer" in answered and "Energy" in answered and "Solar on every public roof" in answered


def test_an_official_publishes_through_the_form_without_javascript(client, component, official, proposals):
    client.force_login(official)
    url = f"{component.get_absolute_url()}synthesis/new/"
    form = client.get(url, {"groups": "2"})
    assert form.status_code == 200 and f"{proposals[0].pk}: " in form.content.decode()
    data = {
        "title": "What Paris heard",
        "phase": "",
        "introduction": "",
        "group-TOTAL_FORMS": "2",
        "group-INITIAL_FORMS": "0",
        "group-MIN_NUM_FORMS": "1",
        "group-MAX_NUM_FORMS": "100",
        "group-0-title": "Greening",
        "group-0-answer": "Yes.",
        "group-0-proposals": f"{proposals[0].pk}, #{proposals[1].pk}",
        "group-1-title": "",
        "group-1-answer": "",
        "group-1-proposals": "",
    }
    refused = client.post(url, {**data, "group-0-proposals": "12, twelve"})
    assert refused.status_code == 400 and "separated by commas" in refused.content.decode()
    unknown = client.post(url, {**data, "group-0-proposals": "999999"})
    assert unknown.status_code == 400 and "not published proposals of this process" in unknown.content.decode()
    assert not Synthesis.objects.exists()
    assert client.post(url, data).status_code == 302
    assert SynthesisEntry.objects.count() == 2
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_api_and_export_carry_the_answers(client, paris, component, official, proposals):
    synthesis = publish(official, component, proposals)
    body = client.get("/api/v1/proposals/madrid/syntheses").json()
    [item] = body["items"]
    assert item["title"] == "Climate plan synthesis"
    assert item["groups"][0]["proposals"] == [proposals[0].pk, proposals[1].pk]
    assert client.get(f"/api/v1/proposals/madrid/syntheses/{synthesis.pk}").json()["groups"][1]["title"] == "Energy"
    assert client.get("/api/v1/proposals/paris/syntheses").json()["count"] == 0
    download = client.get("/madrid/proposals/export/synthesis.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert [(r["group_title"], r["proposal"]) for r in rows] == [
        ("Greening", str(proposals[0].pk)),
        ("Greening", str(proposals[1].pk)),
        ("Energy", str(proposals[2].pk)),
    ]


def test_more_groups_keeps_what_was_typed_and_writes_nothing(client, component, official, proposals):
    client.force_login(official)
    url = f"{component.get_absolute_url()}synthesis/new/"
    typed = {
        "title": "Climate plan answers",
        "introduction": "What we heard.",
        "phase": "",
        "group-TOTAL_FORMS": "2",
        "group-INITIAL_FORMS": "0",
        "group-MIN_NUM_FORMS": "1",
        "group-MAX_NUM_FORMS": "100",
        "group-0-title": "Greening",
        "group-0-answer": "Trees everywhere.",
        "group-0-proposals": f"{proposals[0].pk}",
        "group-1-title": "Energy",
        "group-1-answer": "",
        "group-1-proposals": "",
        "more": "1",
    }
    response = client.post(url, typed)
    assert response.status_code == 200 and not Synthesis.objects.exists()
    page = response.content.decode()
    assert "Climate plan answers" in page and "Trees everywhere." in page and 'value="Energy"' in page
    assert len(response.context["formset"].forms) == 5
    assert "There is a problem" not in page


def test_an_official_corrects_a_synthesis_and_the_previous_text_is_public(client, component, official, proposals):
    synthesis = publish(official, component, proposals)
    client.force_login(official)
    url = f"{synthesis.get_absolute_url()}edit/"
    assert "Correct the synthesis" in client.get(synthesis.get_absolute_url()).content.decode()
    data = {
        "title": "What Paris heard (corrected)",
        "introduction": "",
        "group-TOTAL_FORMS": "2",
        "group-INITIAL_FORMS": "2",
        "group-0-title": "Greening",
        "group-0-answer": "We plant **2,000 trees** a year.",
        "group-1-title": "Energy",
        "group-1-answer": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    synthesis.refresh_from_db()
    assert synthesis.title != data["title"]
    assert client.post(url, {**data, "group-1-answer": "Solar on every public roof by 2030."}).status_code == 302
    synthesis.refresh_from_db()
    assert synthesis.title == "What Paris heard (corrected)"
    assert [g.answer for g in synthesis.groups.all()][0] == "We plant **2,000 trees** a year."
    assert SynthesisEntry.objects.filter(synthesis=synthesis).count() == 3  # the groupings stay
    entry = AuditEntry.objects.get(action="proposal.synthesis_edit")
    assert entry.is_public and entry.data["groups_changed"] == [1]
    assert entry.data["before"]["groups"][0]["answer"] == "We plant **1,000 trees** a year."
    assert "2,000 trees" in client.get(proposals[0].get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        operations.edit_synthesis(
            actor=UserFactory(), synthesis=synthesis, edit=operations.SynthesisEdit("x", "", [("a", "b"), ("c", "d")])
        )
    with pytest.raises(ValidationError, match="2 groups"):
        operations.edit_synthesis(
            actor=official, synthesis=synthesis, edit=operations.SynthesisEdit("x", "", [("a", "b")])
        )


def _groups_of(synthesis) -> list[tuple[str, list[int]]]:
    synthesis = Synthesis.objects.get(pk=synthesis.pk)
    return [
        (g.title, sorted(SynthesisEntry.objects.filter(group=g).values_list("proposal_id", flat=True)))
        for g in synthesis.groups.order_by("position")
    ]


def test_an_official_regroups_a_published_synthesis_and_its_history_is_public(
    component, official, proposals, django_capture_on_commit_callbacks
):
    from plaza.proposals.operations import RegroupedGroup

    synthesis = publish(official, component, proposals)
    greening, energy = synthesis.groups.order_by("position")
    late = ProposalFactory(component=component, title="Bike parking")
    Follow.objects.create(jurisdiction=component.jurisdiction, user=UserFactory(), target=proposals[1])
    regrouped = [
        RegroupedGroup(energy.pk, "Energy", "Solar on every public roof by 2030.", [proposals[2].pk, proposals[1].pk]),
        RegroupedGroup(None, "Mobility", "Bike parking at every school.", [late.pk]),
    ]  # Greening removed: Trees on school streets is no longer answered; Green schoolyards moves to Energy
    with django_capture_on_commit_callbacks(execute=True):
        operations.regroup_synthesis(
            actor=official, synthesis=synthesis, groups=regrouped, reason="Schoolyards are energy"
        )
    assert _groups_of(synthesis) == [
        ("Energy", sorted([proposals[1].pk, proposals[2].pk])),
        ("Mobility", [late.pk]),
    ]
    entry = AuditEntry.objects.get(action="proposal.synthesis_regroup")
    assert entry.is_public and entry.reason == "Schoolyards are energy"
    assert [(g["title"], g["proposals"]) for g in entry.data["before"]] == [
        ("Greening", sorted([proposals[0].pk, proposals[1].pk])),
        ("Energy", [proposals[2].pk]),
    ]
    assert [g["title"] for g in entry.data["after"]] == ["Energy", "Mobility"]
    assert {(m["proposal"], m["from"], m["to"]) for m in entry.data["moved"]} == {
        (proposals[0].pk, greening.pk, None),
        (proposals[1].pk, greening.pk, energy.pk),
        (late.pk, None, entry.data["after"][1]["id"]),
    }
    assert Notification.objects.filter(event="proposal.answered", object_id=proposals[1].pk).exists()


def test_bad_regroupings_are_refused_and_nothing_changes(component, official, proposals, paris):
    from plaza.proposals.operations import RegroupedGroup

    synthesis = publish(official, component, proposals)
    greening, energy = synthesis.groups.order_by("position")
    before = _groups_of(synthesis)
    hidden = ProposalFactory(component=component, status=Proposal.Status.HIDDEN, hidden_reason="x")
    twice = [
        RegroupedGroup(greening.pk, "Greening", "A", [proposals[0].pk]),
        RegroupedGroup(energy.pk, "Energy", "B", [proposals[0].pk]),
    ]
    cases = [
        (twice, "one group only", "Why"),
        ([RegroupedGroup(greening.pk, "Greening", "A", [hidden.pk])], "not published proposals", "Why"),
        ([RegroupedGroup(greening.pk, "Greening", "A", [])], "reason is public", " "),
        ([RegroupedGroup(99999, "Stale", "A", [])], "reload the page", "Why"),
        ([], "at least one group", "Why"),
    ]
    for groups, message, reason in cases:
        with pytest.raises(ValidationError, match=message):
            operations.regroup_synthesis(actor=official, synthesis=synthesis, groups=groups, reason=reason)
        assert _groups_of(synthesis) == before
    with pytest.raises(PermissionDenied):
        operations.regroup_synthesis(actor=UserFactory(), synthesis=synthesis, groups=twice[:1], reason="Why")
    assert not AuditEntry.objects.filter(action="proposal.synthesis_regroup").exists()


def test_regrouping_through_the_page_moves_the_answer_shown_on_the_proposal(client, component, official, proposals):
    synthesis = publish(official, component, proposals)
    greening, energy = synthesis.groups.order_by("position")
    client.force_login(official)
    assert "Regroup the proposals" in client.get(synthesis.get_absolute_url()).content.decode()
    url = f"{synthesis.get_absolute_url()}regroup/"
    form = client.get(url).content.decode()
    assert f'value="{proposals[0].pk}, {proposals[1].pk}"' in form
    data = {
        "group-TOTAL_FORMS": "4",
        "group-INITIAL_FORMS": "2",
        "group-MIN_NUM_FORMS": "0",
        "group-MAX_NUM_FORMS": "100",
        "group-0-group": greening.pk,
        "group-0-title": "Greening",
        "group-0-answer": "We plant trees.",
        "group-0-proposals": f"{proposals[0].pk}",
        "group-1-group": energy.pk,
        "group-1-title": "Energy",
        "group-1-answer": "Solar on every public roof by 2030.",
        "group-1-proposals": f"{proposals[2].pk}",
        "group-2-title": "Schoolyards",
        "group-2-answer": "Every schoolyard green by 2028.",
        "group-2-proposals": f"{proposals[1].pk}",
        "reason": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "There is a problem" in refused.content.decode()
    assert client.post(url, {**data, "reason": "Schoolyards deserve their own answer"}).status_code == 302
    page = client.get(proposals[1].get_absolute_url()).content.decode()
    assert "Schoolyards" in page and "Every schoolyard green by 2028." in page and "We plant trees." not in page
    removed = {**data, "group-1-remove": "on", "reason": "Energy answered elsewhere"}
    removed.update({"group-2-group": synthesis.groups.get(title="Schoolyards").pk, "group-INITIAL_FORMS": "3"})
    assert client.post(url, removed).status_code == 302
    assert "The official answer" not in client.get(proposals[2].get_absolute_url()).content.decode()
    assert AuditEntry.objects.filter(action="proposal.synthesis_regroup", is_public=True).count() == 2
