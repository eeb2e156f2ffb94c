"""The proposals component's manifest: residents propose and support, and debate open questions."""

from django.utils.translation import gettext_lazy as _

from plaza.core.components import ComponentManifest, Export, PermissionAction, registry
from plaza.core.models import PhaseAction
from plaza.core.search import SearchFields
from plaza.proposals.exports import (
    DEBATE_COLUMNS,
    PROPOSAL_COLUMNS,
    SYNTHESIS_COLUMNS,
    debates_rows,
    proposals_rows,
    synthesis_rows,
)


def proposal_search_fields(proposal) -> SearchFields:
    return SearchFields(
        title=proposal.title,
        body="\n".join((proposal.summary, proposal.body)),
        url=proposal.get_absolute_url(),
        is_public=proposal.is_public_content(),
    )


def debate_search_fields(debate) -> SearchFields:
    return SearchFields(
        title=debate.title, body=debate.body, url=debate.get_absolute_url(), is_public=debate.is_public_content()
    )


def proposals_stats(component) -> list[tuple[str, int]]:
    from plaza.proposals.queries import component_figures

    return component_figures(component)


def personal_data(user) -> dict:
    from plaza.proposals.queries import account_participation

    return account_participation(user)


def hide_blocked_content(**block) -> dict[str, int]:
    from plaza.proposals.operations import hide_blocked_content as hide

    return hide(**block)


def show_unblocked_content(**unblock) -> dict[str, int]:
    from plaza.proposals.operations import show_unblocked_content as show

    return show(**unblock)


manifest = registry.register(
    ComponentManifest(
        name="proposals",
        label=_("Proposals"),
        description=_("Residents propose, gather supports up to a threshold, and debate open questions."),
        demo_title=_("Citizen proposals"),
        process_urls="plaza.proposals.urls",
        api_router="plaza.proposals.api:router",
        lean_api_writes=("plaza.proposals.lean:support_write",),
        actions=(
            PermissionAction("propose", _("Write a proposal"), PhaseAction.PROPOSE, 0),
            PermissionAction("support", _("Support a proposal"), PhaseAction.SUPPORT, 1),
            PermissionAction("attach", _("Attach images and documents to a proposal"), PhaseAction.PROPOSE, 0),
            PermissionAction("debate", _("Start a debate"), PhaseAction.PROPOSE, 0),
            PermissionAction("opine", _("Agree or disagree with a debate"), PhaseAction.COMMENT, 0),
            PermissionAction("comment", _("Comment"), PhaseAction.COMMENT, 0),
        ),
        default_settings={
            # Category names are the jurisdiction's own words, in its language.
            "categories": ["Mobility", "Environment", "Housing", "Culture", "Health", "Public space"],
            # "absolute": threshold_value supports; "census_percent": that percentage of the active census.
            "threshold_mode": "absolute",
            "threshold_value": 100,
            "support_verification_level": 1,
        },
        search={"proposals.proposal": proposal_search_fields, "proposals.debate": debate_search_fields},
        exports=(
            Export("proposals", _("Citizen proposals and their supports"), PROPOSAL_COLUMNS, proposals_rows),
            Export("debates", _("Debates and their agree and disagree counts"), DEBATE_COLUMNS, debates_rows),
            Export(
                "synthesis", _("Official answers to proposals, by synthesis group"), SYNTHESIS_COLUMNS, synthesis_rows
            ),
        ),
        stats=proposals_stats,
        seeds="plaza.proposals.seeds:seed",
        personal_data=personal_data,
        hide_blocked_content=hide_blocked_content,
        show_unblocked_content=show_unblocked_content,
    )
)
