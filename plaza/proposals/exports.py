"""The proposals component's open data: public proposals with their support counts, and debates."""

from plaza.core.models import Jurisdiction
from plaza.proposals.queries import PUBLIC_STATUSES, public_debates, public_proposals, public_syntheses

PROPOSAL_COLUMNS = (
    "id",
    "process",
    "component",
    "title",
    "summary",
    "body",
    "category",
    "tags",
    "status",
    "author",
    "on_behalf_of",
    "is_expert",
    "latitude",
    "longitude",
    "address",
    "video_url",
    "supports",
    "comments",
    "published_at",
    "threshold_reached_at",
    "hidden_reason",
    "merged_into",
    "url",
)
SYNTHESIS_COLUMNS = (
    "synthesis",
    "synthesis_title",
    "process",
    "phase",
    "published_at",
    "group",
    "group_title",
    "answer",
    "proposal",
    "proposal_title",
    "url",
)
DEBATE_COLUMNS = (
    "id",
    "process",
    "component",
    "title",
    "body",
    "author",
    "agree",
    "disagree",
    "comments",
    "created_at",
    "url",
)


def proposal_row(proposal) -> dict:
    return {
        "id": proposal.pk,
        "process": proposal.component.process.slug,
        "component": proposal.component.slug,
        "title": proposal.title,
        "summary": proposal.summary,
        "body": proposal.body,
        "category": proposal.category,
        "tags": " ".join(tag.name for tag in proposal.tags.all()),
        "status": proposal.status,
        "author": proposal.author_name,
        "on_behalf_of": proposal.on_behalf_of,
        "is_expert": proposal.is_expert,
        "latitude": proposal.latitude,
        "longitude": proposal.longitude,
        "address": proposal.address,
        "video_url": proposal.video_url,
        "supports": proposal.support_count,
        "comments": proposal.comments_count,
        "published_at": proposal.published_at,
        "threshold_reached_at": proposal.threshold_reached_at,
        "hidden_reason": proposal.hidden_reason,
        "merged_into": proposal.merged_into_id,
        "url": proposal.get_absolute_url(),
    }


def proposals_rows(jurisdiction: Jurisdiction):
    # A hidden proposal's text stays out of open data; withdrawn and archived ones are public record.
    for proposal in public_proposals(jurisdiction).iterator(chunk_size=500):
        yield proposal_row(proposal)


def debates_rows(jurisdiction: Jurisdiction):
    for debate in public_debates(jurisdiction).iterator(chunk_size=500):
        yield {
            "id": debate.pk,
            "process": debate.component.process.slug,
            "component": debate.component.slug,
            "title": debate.title,
            "body": debate.body,
            "author": debate.author_name,
            "agree": debate.agree_count,
            "disagree": debate.disagree_count,
            "comments": debate.comments_count,
            "created_at": debate.created_at,
            "url": debate.get_absolute_url(),
        }


def synthesis_rows(jurisdiction: Jurisdiction):
    """One row per answered proposal (and one per group that answers none), as Paris published its synthesis."""
    for synthesis in public_syntheses(jurisdiction):
        for group in synthesis.groups.all():
            common = {
                "synthesis": synthesis.pk,
                "synthesis_title": synthesis.title,
                "process": synthesis.component.process.slug,
                "phase": synthesis.phase.title if synthesis.phase else "",
                "published_at": synthesis.published_at,
                "group": group.position,
                "group_title": group.title,
                "answer": group.answer,
                "url": synthesis.get_absolute_url(),
            }
            entries = [e for e in group.entries.all() if e.proposal.status in PUBLIC_STATUSES]
            if not entries:
                yield {**common, "proposal": None, "proposal_title": ""}
            for entry in entries:
                yield {**common, "proposal": entry.proposal_id, "proposal_title": entry.proposal.title}
