"""Core tables; each area in its own module."""

from plaza.core.models.accounts import User
from plaza.core.models.audit import AuditEntry
from plaza.core.models.identity import CensusImport, CensusRecord, Person, Verification
from plaza.core.models.jobs import Job
from plaza.core.models.jurisdictions import Jurisdiction
from plaza.core.models.processes import ComponentInstance, ComponentStep, Phase, PhaseAction, Process
from plaza.core.models.roles import Role, RoleGrant

__all__ = [
    "AuditEntry",
    "CensusImport",
    "CensusRecord",
    "ComponentInstance",
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
]
