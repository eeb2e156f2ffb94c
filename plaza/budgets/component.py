"""The budgets component's manifest: participatory budgets from project ideas to funded, tracked winners."""

from django.utils.translation import gettext_lazy as _

from plaza.budgets.exports import PROJECT_COLUMNS, project_rows
from plaza.core.components import ComponentManifest, Export, PermissionAction, registry


def budgets_stats(component) -> list[tuple[str, int]]:
    from plaza.budgets.models import Budget

    return [(_("budgets"), Budget.objects.with_scope(jurisdiction=component.jurisdiction).count())]


def hide_blocked_content(**block) -> dict[str, int]:
    from plaza.budgets.operations import hide_blocked_content as hide

    return hide(**block)


def show_unblocked_content(**unblock) -> dict[str, int]:
    from plaza.budgets.operations import show_unblocked_content as show

    return show(**unblock)


manifest = registry.register(
    ComponentManifest(
        name="budgets",
        label=_("Participatory budgets"),
        jurisdiction_urls="plaza.budgets.urls",
        api_router="plaza.budgets.api:router",
        lean_api_writes=("plaza.budgets.lean:ballot",),
        description=_("Residents propose projects, support them, and ballot within each heading's money."),
        demo_title=_("Participatory budget"),
        # The budget's own phases say when; the census says who.
        actions=(
            PermissionAction("support", _("Support a budget project"), phase_action=None, verification_level=1),
            PermissionAction("vote", _("Ballot in a participatory budget"), phase_action=None, verification_level=1),
            # The author adds images to their project; the budget's phase (accepting, reviewing) says when.
            PermissionAction(
                "attach", _("Add images to one's budget project"), phase_action=None, verification_level=0
            ),
        ),
        exports=(
            Export("projects", _("Budget projects, their costs, votes and results"), PROJECT_COLUMNS, project_rows),
        ),
        stats=budgets_stats,
        seeds="plaza.budgets.seeds:seed",
        seed_links="plaza.budgets.seeds:link_winners",
        hide_blocked_content=hide_blocked_content,
        show_unblocked_content=show_unblocked_content,
    )
)
