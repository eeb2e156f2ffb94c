"""Core tables; each area in its own module."""

from plaza.core.models.accounts import User
from plaza.core.models.api import ApiToken
from plaza.core.models.attachments import Attachment
from plaza.core.models.audit import AuditEntry
from plaza.core.models.booths import Booth, BoothTotal
from plaza.core.models.comments import Comment, CommentFlag, CommentVote, Follow
from plaza.core.models.gazetteer import GazetteerEntry, GazetteerName
from plaza.core.models.identity import CensusImport, CensusRecord, Person, Verification
from plaza.core.models.jobs import Job
from plaza.core.models.jurisdictions import Jurisdiction
from plaza.core.models.links import ContentLink
from plaza.core.models.moderation import BlockedAccount
from plaza.core.models.notifications import Notification
from plaza.core.models.processes import ComponentInstance, ComponentStep, Phase, PhaseAction, Process
from plaza.core.models.roles import Role, RoleGrant
from plaza.core.models.roll import VoterRollEntry
from plaza.core.models.sdg import SDGGoal, SDGTag, SDGTarget
from plaza.core.models.search import SearchDocument

__all__ = [
    "ApiToken",
    "Attachment",
    "BlockedAccount",
    "Booth",
    "BoothTotal",
    "SDGGoal",
    "SDGTag",
    "SDGTarget",
    "SearchDocument",
    "AuditEntry",
    "CensusImport",
    "CensusRecord",
    "ComponentInstance",
    "ContentLink",
    "ComponentStep",
    "Job",
    "Jurisdiction",
    "Person",
    "Phase",
    "PhaseAction",
    "Process",
    "Role",
    "RoleGrant",
    "User",
    "Verification",
    "VoterRollEntry",
    "Comment",
    "CommentFlag",
    "CommentVote",
    "Follow",
    "GazetteerEntry",
    "GazetteerName",
    "Notification",
]
