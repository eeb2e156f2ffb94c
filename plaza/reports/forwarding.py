"""Forwarding reports to another authority over Open311, and pulling their status back (both as background jobs).

A category may name an `Open311Destination` (endpoint, their service code, an api_key kept
encrypted). Each new report of that category gets a `Forwarding` row and a `reports.forward` job
(retried with backoff while the authority is unreachable; refused for good on an error answer).
`reports.pull_open311` asks the authority for the state of the forwarded open reports and moves
ours along: their note becomes a public note, "closed" becomes fixed.
"""

import logging
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.audit import record
from plaza.core.jobs import enqueue
from plaza.core.models import Jurisdiction, Role
from plaza.core.permissions import require_role
from plaza.core.search import index_object
from plaza.core.tenancy import jurisdiction_scope
from plaza.reports.models import OPEN_STATUSES, Category, Forwarding, Open311Destination, Report, Status, Update
from plaza.reports.open311.client import Open311Client, RemoteRequest
from plaza.reports.stats import count_change

logger = logging.getLogger(__name__)

PULL_BATCH = 50
# A report forwarded from authority to authority stops after this many forwards (a loop through three
# authorities is caught here; a loop of two by its origin).
MAX_OPEN311_HOPS = 3
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _check_endpoint(endpoint: str) -> str:
    endpoint = (endpoint or "").strip()
    try:
        URLValidator(schemes=["https", "http"])(endpoint)
    except ValidationError as bad:
        raise ValidationError({"endpoint": _("Give the authority's Open311 address, starting with https://.")}) from bad
    host = urlparse(endpoint).hostname or ""
    if urlparse(endpoint).scheme != "https" and host not in LOCAL_HOSTS:
        raise ValidationError({"endpoint": _("The api_key must not travel unencrypted: use an https:// address.")})
    return endpoint if endpoint.endswith("/") else endpoint + "/"


def set_open311_destination(
    *,
    actor,
    category: Category,
    endpoint: str,
    service_code: str,
    api_key: str = "",
    remote_jurisdiction_id: str = "",
    is_active: bool = True,
) -> Open311Destination:
    """Forward a category's reports to another authority (an admin's power); an empty api_key keeps the stored one."""
    require_role(actor, category.jurisdiction, Role.ADMIN)
    endpoint = _check_endpoint(endpoint)
    service_code = (service_code or "").strip()
    if not service_code:
        raise ValidationError({"service_code": _("Give the service code the authority uses for this category.")})
    with transaction.atomic(), jurisdiction_scope(category.jurisdiction):
        destination = Open311Destination.objects.filter(category=category).first() or Open311Destination(
            jurisdiction=category.jurisdiction, category=category
        )
        destination.endpoint, destination.service_code = endpoint, service_code[:120]
        destination.remote_jurisdiction_id = (remote_jurisdiction_id or "").strip()[:120]
        destination.is_active = is_active
        if api_key:
            destination.api_key = api_key.strip()
        if not destination.api_key_encrypted:
            raise ValidationError({"api_key": _("Give the api_key the authority issued to you.")})
        destination.save()
        record(
            jurisdiction=category.jurisdiction,
            actor=actor,
            action="report.open311_destination",
            target=category,
            data={"endpoint": endpoint, "service_code": service_code, "active": is_active},  # never the key
            public=True,
        )
    return destination


def own_endpoint(jurisdiction: Jurisdiction) -> str:
    """Our Open311 address, as another Plaza sees it (sent along with each forwarded report)."""
    return f"{settings.PLAZA_SITE_URL}{reverse('open311:root', kwargs={'jurisdiction': jurisdiction.slug})}"


def same_endpoint(one: str, other: str) -> bool:
    """Two Open311 addresses naming the same server and path (scheme, case and a final slash aside)."""

    def key(url: str) -> tuple[str, str]:
        parts = urlparse((url or "").strip())
        return (parts.hostname or "").lower() + (f":{parts.port}" if parts.port else ""), parts.path.rstrip("/")

    return bool(one and other) and key(one) == key(other)


def loops(report: Report, destination: Open311Destination) -> bool:
    """Forwarding would send the report back where it came from, or past the hop limit."""
    return same_endpoint(destination.endpoint, report.open311_origin) or report.open311_hops >= MAX_OPEN311_HOPS


def _destination_of(category: Category) -> Open311Destination | None:
    """The category's destination: read with the category when `queries.categories` joined it (no statement), else
    read once and remembered on the category (as the join would have)."""
    relation = Category._meta.get_field("open311_destination")
    if not relation.is_cached(category):
        relation.set_cached_value(category, Open311Destination.objects.filter(category_id=category.pk).first())
    return relation.get_cached_value(category)


def forwards(report: Report) -> bool:
    """Whether the report's category has an active authority to forward it to (it may still stop at the loop guard)."""
    destination = _destination_of(report.category)
    return destination is not None and destination.is_active


def forward_if_configured(report: Report) -> Forwarding | None:
    """Inside the transaction that creates the report: queue it for the category's authority, if any.

    A report that came over Open311 from that very authority, or through too many, is kept here (a loop guard).
    """
    if not forwards(report):
        return None
    destination = _destination_of(report.category)  # remembered on the category by `forwards`
    if loops(report, destination):
        logger.warning(
            "report %s not forwarded to %s: it came from there or hopped too often", report.pk, destination.endpoint
        )
        return None
    forwarding = Forwarding.objects.create(jurisdiction=report.jurisdiction, report=report, destination=destination)
    enqueue(jurisdiction=report.jurisdiction, kind="reports.forward", params={"forwarding": forwarding.pk})
    return forwarding


def client_for(destination: Open311Destination) -> Open311Client:
    return Open311Client(
        destination.endpoint, api_key=destination.api_key, jurisdiction_id=destination.remote_jurisdiction_id
    )


def scrub(text: str, destination: Open311Destination) -> str:
    """An error to store or log, without the api_key (in case an authority echoes it back)."""
    key = destination.api_key
    return text.replace(key, "[redacted]") if key else text


def _public_line(report: Report, body: str, **fields) -> Update:
    return Update.objects.create(jurisdiction=report.jurisdiction, report=report, body=body, is_public=True, **fields)


def keep_remote_ids(forwarding: Forwarding, remote: RemoteRequest) -> None:
    """Right after the authority answered, before anything else can fail: a retry must never post twice."""
    forwarding.state = Forwarding.State.SENT
    forwarding.service_request_id = remote.service_request_id or ""
    forwarding.token = remote.token or ""
    forwarding.remote_notes, forwarding.error = remote.service_notice, ""
    Forwarding.objects.filter(pk=forwarding.pk).update(
        state=forwarding.state,
        service_request_id=forwarding.service_request_id,
        token=forwarding.token,
        remote_notes=forwarding.remote_notes,
        error="",
    )


def announce_sent(forwarding: Forwarding) -> None:
    """Say on the public timeline (and in the audit log) that the authority has the report."""
    report, host = forwarding.report, urlparse(forwarding.destination.endpoint).hostname
    reference = forwarding.service_request_id or forwarding.token
    with transaction.atomic(), jurisdiction_scope(report.jurisdiction):
        forwarding.sent_at = timezone.now()
        forwarding.save(update_fields=["sent_at"])
        body = _("Forwarded to %(host)s (their request %(id)s).") % {"host": host, "id": reference}
        if forwarding.remote_notes:
            body += "\n" + forwarding.remote_notes
        _public_line(report, body, kind=Update.Kind.NOTE)
        record(
            jurisdiction=report.jurisdiction,
            actor=None,
            action="report.forwarded",
            target=report,
            data={"endpoint": forwarding.destination.endpoint, "id": reference},
            public=True,
        )


def record_failure(forwarding: Forwarding, message: str, *, final: bool) -> None:
    forwarding.error = scrub(message, forwarding.destination)[:2000]
    if final:
        forwarding.state = Forwarding.State.FAILED
    forwarding.save(update_fields=["error", "state"])


def apply_remote_state(forwarding: Forwarding, remote: RemoteRequest) -> bool:
    """Move our report after what the authority says; True if anything changed (safe to run again)."""
    from plaza.reports.operations import _after_commit

    report = forwarding.report
    new = (remote.status or "", remote.status_notes)
    changed = new != (forwarding.remote_status, forwarding.remote_notes)
    now = timezone.now()
    with transaction.atomic(), jurisdiction_scope(report.jurisdiction):
        forwarding.remote_status, forwarding.remote_notes = new
        forwarding.remote_updated_at, forwarding.pulled_at = remote.updated_datetime, now
        forwarding.service_request_id = forwarding.service_request_id or remote.service_request_id or ""
        forwarding.save()
        if not changed:
            return False
        host = urlparse(forwarding.destination.endpoint).hostname
        body = _("%(host)s: %(notes)s") % {"host": host, "notes": remote.status_notes} if remote.status_notes else ""
        if remote.status == "closed" and report.status in OPEN_STATUSES:
            previous = report.status
            count_change(
                report, previous=previous, new=Status.FIXED, at=now, acknowledged_now=not report.acknowledged_at
            )
            report.status, report.fixed_at = Status.FIXED, now
            report.acknowledged_at = report.acknowledged_at or now
            report.save()
            update = _public_line(report, body, kind=Update.Kind.STATUS, from_status=previous, to_status=Status.FIXED)
            event = "report.status"
        elif body:
            update = _public_line(report, body, kind=Update.Kind.NOTE)
            event = "report.note"
        else:
            return True
        record(
            jurisdiction=report.jurisdiction,
            actor=None,
            action="report.remote_update",
            target=report,
            data={"remote_status": remote.status, "id": forwarding.service_request_id},
            public=True,
        )
        index_object(report)
        _after_commit(report, event, None)
        if report.reporter_email:
            enqueue(jurisdiction=report.jurisdiction, kind="reports.email_reporter", params={"update": update.pk})
    return True


def pull_updates(jurisdiction: Jurisdiction) -> dict:
    """Ask each authority for the state of our open forwarded reports; returns what changed and what failed."""
    changed = 0
    destinations = Open311Destination.objects.with_scope(jurisdiction=jurisdiction).filter(is_active=True)
    for destination in destinations:
        waiting = list(
            Forwarding.objects.with_scope(jurisdiction=jurisdiction)
            .filter(destination=destination, state=Forwarding.State.SENT, report__status__in=OPEN_STATUSES)
            .select_related("report__category", "report__jurisdiction", "destination")
        )
        with client_for(destination) as client:
            for forwarding in [f for f in waiting if not f.service_request_id and f.token]:
                found = client.request_for_token(forwarding.token)
                if found is not None:
                    forwarding.service_request_id = found.service_request_id
                    forwarding.save(update_fields=["service_request_id"])
            known = {f.service_request_id: f for f in waiting if f.service_request_id}
            ids = sorted(known)
            for start in range(0, len(ids), PULL_BATCH):
                for remote in client.get_requests(ids[start : start + PULL_BATCH]):
                    if remote.service_request_id in known:
                        changed += apply_remote_state(known[remote.service_request_id], remote)
    return {"changed": changed}
