"""The votes component's manifest: binding votations, online and at booths, with a public tally."""

from django.utils.translation import gettext_lazy as _

from plaza.core.components import ComponentManifest, Export, LinkTarget, PermissionAction, registry
from plaza.core.search import SearchFields
from plaza.votes.exports import VOTATION_COLUMNS, votation_rows


def votation_search_fields(votation) -> SearchFields:
    return SearchFields(
        title=votation.title,
        body=votation.description,
        url=votation.get_absolute_url(),
        is_public=votation.is_published,
    )


def votes_stats(component) -> list[tuple[str, int]]:
    from plaza.votes.queries import votations_of

    return [(_("votations"), votations_of(component.jurisdiction, component=component).count())]


def personal_data(user) -> dict:
    """The votations the account's verified persons voted in (never how: ballots are anonymous)."""
    from plaza.votes.queries import votations_voted_by

    return {"votations_voted_in": votations_voted_by(user)}


manifest = registry.register(
    ComponentManifest(
        name="votes",
        label=_("Votes"),
        description=_("Binding votations: one verified person, one secret ballot, with a tally anyone can recompute."),
        demo_title=_("Votation"),
        process_urls="plaza.votes.process_urls",
        jurisdiction_urls="plaza.votes.urls",
        api_router="plaza.votes.api:router",
        lean_api_writes=("plaza.votes.lean:ballot",),
        # The votation's own opening and closing times say when; the census says who.
        actions=(PermissionAction("vote", _("Vote in a votation"), phase_action=None, verification_level=1),),
        search={"votes.votation": votation_search_fields},
        exports=(Export("votations", _("Votations and their ballots files"), VOTATION_COLUMNS, votation_rows),),
        stats=votes_stats,
        seeds="plaza.votes.seeds:seed",
        personal_data=personal_data,
        # A proposal (or any content) sent to a binding vote becomes a draft votation here.
        link_targets=(
            LinkTarget(
                kind="decision", label=_("a binding votation"), create="plaza.votes.operations:votation_from_content"
            ),
        ),
    )
)
