"""The shapes the API reads and writes (its own validation: forms are for pages)."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from plaza.core.models import ComponentInstance, Jurisdiction, Process

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


class JurisdictionRef(Schema):
    slug: str
    name: str
    kind: str
    url: str

    @staticmethod
    def resolve_url(obj: Jurisdiction) -> str:
        return obj.get_absolute_url()


class JurisdictionOut(JurisdictionRef):
    parent: str | None
    languages: list[str]
    default_language: str
    time_zone: str

    @staticmethod
    def resolve_parent(obj: Jurisdiction) -> str | None:
        return obj.parent.slug if obj.parent_id else None


class JurisdictionDetailOut(JurisdictionOut):
    description: str
    ancestors: list[JurisdictionRef] = Field(..., description="From the root of the network down to the parent")
    children: list[JurisdictionRef]

    @staticmethod
    def resolve_ancestors(obj: Jurisdiction) -> list:
        return obj.ancestors()

    @staticmethod
    def resolve_children(obj: Jurisdiction) -> list:
        return list(obj.children.filter(is_active=True).order_by("name"))


class PhaseOut(Schema):
    position: int
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str


class ComponentOut(Schema):
    manifest: str = Field(..., description="The registered component's name, e.g. `page`")
    slug: str
    title: str
    url: str

    @staticmethod
    def resolve_manifest(obj: ComponentInstance) -> str:
        return obj.manifest_name

    @staticmethod
    def resolve_url(obj: ComponentInstance) -> str:
        return obj.get_absolute_url()


class ProcessOut(Schema):
    slug: str
    jurisdiction: str
    title: str
    subtitle: str
    description: str
    start_date: date | None
    end_date: date | None
    is_published: bool
    phases: list[PhaseOut]
    components: list[ComponentOut]
    url: str

    @staticmethod
    def resolve_jurisdiction(obj: Process) -> str:
        return obj.jurisdiction.slug

    @staticmethod
    def resolve_phases(obj: Process) -> list:
        return list(obj.phases.all())

    @staticmethod
    def resolve_components(obj: Process) -> list:
        return list(obj.components.all())

    @staticmethod
    def resolve_url(obj: Process) -> str:
        return obj.get_absolute_url()


class ProcessIn(Schema):
    slug: str = Field(..., min_length=1, max_length=80, pattern=SLUG_PATTERN)
    title: str = Field(..., min_length=1, max_length=200)
    subtitle: str = Field("", max_length=300)
    description: str = ""
    start_date: date | None = None
    end_date: date | None = None

    @field_validator("title", "subtitle", "description")
    @classmethod
    def no_control_characters(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError(_("This value has characters that are not allowed here."))
        return value


class VerificationOut(Schema):
    jurisdiction: str
    level: int
    level_label: str
    verified_at: datetime


class TokenInfo(Schema):
    name: str
    prefix: str
    scope: str
    jurisdiction: str | None


class MeOut(Schema):
    email: str
    public_name: str
    display_name: str
    language: str
    verifications: list[VerificationOut]
    token: TokenInfo | None = Field(None, description="The token this request used, if any")
