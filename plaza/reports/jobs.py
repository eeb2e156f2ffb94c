"""The reports' background jobs: rebuilding the dashboard's figures, forwarding to and pulling from Open311."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from plaza.core.jobs import JobError, job
from plaza.core.operations.notifications import absolute_url
from plaza.reports.stats import rebuild_daily_stats
from plaza.reports.workflow import REOPENABLE


@job("reports.rebuild_stats", max_attempts=2, retry_backoff=60)
def rebuild_stats(job, context):
    """Recompute the responsiveness figures from the timelines (after an import, or to repair drift)."""
    return {"reports": rebuild_daily_stats(job.jurisdiction)}


@job("reports.send_confirmation", max_attempts=5, retry_backoff=60)
def send_confirmation(job, context):
    """Mail the link that publishes a report sent with only an e-mail address."""
    from plaza.reports.models import PendingReport
    from plaza.reports.operations import confirm_hours, confirmation_token

    pending = (
        PendingReport.objects.select_related("jurisdiction", "category").filter(pk=job.parameters["pending"]).first()
    )
    if pending is None or pending.report_id is not None:
        return {"sent": 0}
    path = reverse(
        "reports:confirm_report",
        kwargs={"jurisdiction": pending.jurisdiction.slug, "token": confirmation_token(pending)},
    )
    language = pending.language or pending.jurisdiction.default_language
    with translation.override(language):
        subject = _("Confirm your report to %(name)s") % {"name": pending.jurisdiction.name}
        body = render_to_string(
            "reports/email/confirm.txt",
            {"pending": pending, "url": absolute_url(path), "hours": confirm_hours()},
        )
    EmailMessage(subject=subject[:200], body=body, to=[pending.email]).send()
    return {"sent": 1}


def _reopen_url(report) -> str:
    from plaza.reports.operations import reopen_link_token

    path = reverse(
        "reports:reopen_by_link",
        kwargs={"jurisdiction": report.jurisdiction.slug, "token": reopen_link_token(report)},
    )
    return absolute_url(path)


@job("reports.email_reporter", max_attempts=5, retry_backoff=60)
def email_reporter(job, context):
    """Tell someone who reported with only an e-mail address what changed on their report."""
    from plaza.reports.models import Update

    update = Update.objects.select_related("report__jurisdiction", "report__category").get(pk=job.parameters["update"])
    report = update.report
    if not report.reporter_email or not update.is_public:
        return {"sent": 0}
    with translation.override(report.jurisdiction.default_language):
        subject = _("Your report #%(id)s: %(what)s") % {"id": report.pk, "what": update.get_kind_display()}
        body = render_to_string(
            "reports/email/update.txt",
            {
                "report": report,
                "update": update,
                "url": absolute_url(report.get_absolute_url()),
                "reopen_url": _reopen_url(report) if report.status in REOPENABLE else "",
            },
        )
    EmailMessage(subject=subject[:200], body=body, to=[report.reporter_email]).send()
    return {"sent": 1}


@job("reports.purge_unconfirmed", max_attempts=2)
def purge_unconfirmed(job, context):
    """Forget reports whose confirmation link expired."""
    from plaza.reports.operations import purge_unconfirmed_reports

    return {"purged": purge_unconfirmed_reports(job.jurisdiction)}


@job("reports.forward", max_attempts=6, retry_backoff=60)
def forward(job, context):
    """Send one report to the authority of its category; retried with backoff (1, 2, 4, 8, 16 min) while unreachable."""
    from plaza.reports.forwarding import (
        announce_sent,
        client_for,
        keep_remote_ids,
        own_endpoint,
        record_failure,
        scrub,
    )
    from plaza.reports.models import Forwarding
    from plaza.reports.open311.client import Open311Error
    from plaza.reports.queries import first_photos

    forwarding = Forwarding.objects.select_related("report__jurisdiction", "report__category", "destination").get(
        pk=job.parameters["forwarding"]
    )
    if forwarding.state == Forwarding.State.SENT and forwarding.sent_at is None:
        announce_sent(forwarding)  # posted on an earlier attempt that stopped before saying so
    if forwarding.state != Forwarding.State.PENDING:
        return {"state": forwarding.state}
    report, destination = forwarding.report, forwarding.destination
    photo = first_photos(report.jurisdiction, [report.pk]).get(report.pk)
    try:
        with client_for(destination) as client:
            remote = client.post_request(
                service_code=destination.service_code,
                description=report.description,
                lat=report.latitude,
                long=report.longitude,
                address_string=report.address,
                media_url=absolute_url(photo.get_absolute_url()) if photo else "",
                origin=own_endpoint(report.jurisdiction),
                hops=report.open311_hops + 1,
            )
    except Open311Error as failed:
        final = not failed.retryable or job.attempts >= job.max_attempts
        record_failure(forwarding, str(failed), final=final)
        if failed.retryable:
            raise Open311Error(scrub(str(failed), destination)) from None  # retried with backoff
        raise JobError(scrub(str(failed), destination)) from None
    keep_remote_ids(forwarding, remote)
    announce_sent(forwarding)
    return {"service_request_id": remote.service_request_id, "token": remote.token}


@job("reports.pull_open311", max_attempts=4, retry_backoff=120)
def pull_open311(job, context):
    """Ask the authorities for the state of the reports forwarded to them, and move ours along."""
    from plaza.reports.forwarding import pull_updates
    from plaza.reports.open311.client import Open311Error

    try:
        return pull_updates(job.jurisdiction)
    except Open311Error as failed:
        if failed.retryable:
            raise
        raise JobError(str(failed)) from None
