"""A blocked author's projects: hidden from the public (lists, map, API, exports, ballots) until the block is lifted."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from plaza.budgets import operations
from plaza.budgets.models import Budget, Project
from plaza.budgets.tests.conftest import make_resident
from plaza.budgets.tests.factories import BudgetFactory, HeadingFactory, ProjectFactory
from plaza.budgets.tests.test_images import png
from plaza.core.models import AuditEntry, Role
from plaza.core.operations.moderation import block_account, unblock_account
from plaza.core.tests.factories import RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db
BUDGET = "/paris/budgets/paris-2026/"


@pytest.fixture
def moderator(paris):
    user = UserFactory()
    with scopes_disabled():
        RoleGrantFactory(jurisdiction=paris, user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def troll(db):
    return UserFactory(public_name="Troll")


@pytest.fixture
def rant(heading, troll):
    with scopes_disabled():
        return ProjectFactory(
            heading=heading, author=troll, title="Rant in a project", description="Abusive words", latitude=48.86,
            longitude=2.38,
        )  # fmt: skip


def _public_titles(client) -> dict[str, bool]:
    page = client.get(BUDGET).content.decode()
    api = client.get("/api/v1/budgets/paris/budgets/paris-2026/projects").json()["items"]
    export = b"".join(client.get("/paris/budgets/export/projects.csv").streaming_content).decode()
    ballot = client.get(f"{BUDGET}ballot/11e/").content.decode()
    return {
        "page": "Rant in a project" in page,
        "api": any(p["title"] == "Rant in a project" for p in api),
        "export": "Rant in a project" in export,
        "ballot": "Rant in a project" in ballot,
    }


def test_a_blocked_authors_project_is_hidden_from_the_public_and_shown_again_after_unblocking(
    client, paris, moderator, troll, projects, rant
):
    assert _public_titles(client) == {"page": True, "api": True, "export": True, "ballot": True}
    block_account(actor=moderator, jurisdiction=paris, user=troll, reason="Harassment")
    with scopes_disabled():
        rant.refresh_from_db()
        others = Project.objects.exclude(pk=rant.pk).values_list("hidden_reason", flat=True)
    assert rant.hidden_reason == "Harassment" and set(others) == {""}
    assert _public_titles(client) == {"page": False, "api": False, "export": False, "ballot": False}
    assert "Garden" in client.get(BUDGET).content.decode()  # the others stay
    page = client.get(rant.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200 and "A moderator hid this project: Harassment" in text
    assert "Abusive words" not in text and "Support this project" not in text
    with scopes_disabled():
        assert AuditEntry.objects.get(action="account.block").data["budget_projects"] == 1

    unblock_account(actor=moderator, jurisdiction=paris, user=troll)
    assert _public_titles(client) == {"page": True, "api": True, "export": True, "ballot": True}
    assert "Abusive words" in client.get(rant.get_absolute_url()).content.decode()
    with scopes_disabled():
        assert AuditEntry.objects.get(action="account.unblock").data["budget_projects"] == 1


def test_a_hidden_project_takes_no_support_nor_ballot_choice_but_counts_what_was_cast(
    client, paris, paris_admin, moderator, troll, heading, budget, rant, projects
):
    early = make_resident(paris)
    operations.cast_ballot(actor=early, budget=budget, heading=heading, choices={rant.pk: 1})
    block_account(actor=moderator, jurisdiction=paris, user=troll, reason="Harassment")
    with pytest.raises(ValidationError, match="not on this heading's ballot"):
        operations.cast_ballot(actor=make_resident(paris), budget=budget, heading=heading, choices={rant.pk: 1})
    budget.phase = Budget.Phase.SELECTING
    budget.save()
    with scopes_disabled():
        rant.refresh_from_db()
    with pytest.raises(ValidationError, match="A moderator hid this project"):
        operations.support_project(actor=make_resident(paris), project=rant)
    budget.phase = Budget.Phase.BALLOTING
    budget.save()
    operations.set_phase(actor=paris_admin, budget=budget, phase=Budget.Phase.FINISHED)
    results = client.get(f"{BUDGET}results/11e/").content.decode()
    assert "Rant in a project" in results  # the vote cast before the block is counted, and said
    with scopes_disabled():
        assert rant.result_rows.get(rule=budget.rule).votes == 1


def test_a_hidden_projects_images_are_no_longer_served_to_the_public(
    client, settings, tmp_path, paris, paris_admin, moderator, troll, rant
):
    settings.MEDIA_ROOT = tmp_path
    image = operations.add_project_image(actor=paris_admin, project=rant, upload=png(), title="Sign")
    url = f"/paris/attachments/{image.pk}/"
    assert client.get(url).status_code == 200
    block_account(actor=moderator, jurisdiction=paris, user=troll, reason="Harassment")
    assert client.get(url).status_code == 404
    client.force_login(paris_admin)
    assert client.get(url).status_code == 200  # the jurisdiction's admins still see it
    client.logout()
    unblock_account(actor=moderator, jurisdiction=paris, user=troll)
    assert client.get(url).status_code == 200


def test_a_block_in_one_jurisdiction_leaves_the_authors_projects_elsewhere(
    client, paris, madrid, moderator, troll, rant
):
    with scopes_disabled():
        madrid_budget = BudgetFactory(jurisdiction=madrid, slug="madrid-2026")
        elsewhere = ProjectFactory(heading=HeadingFactory(budget=madrid_budget), author=troll, title="Huerto")
    block_account(actor=moderator, jurisdiction=paris, user=troll, reason="Harassment")
    with scopes_disabled():
        elsewhere.refresh_from_db()
    assert elsewhere.hidden_reason == ""
    assert "Huerto" in client.get("/madrid/budgets/madrid-2026/").content.decode()
