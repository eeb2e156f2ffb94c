"""Pages of background jobs: one job's progress (HTML, htmx fragment, JSON), its file, the admins' list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plaza.core.models import Job, Role
from plaza.core.operations.jobs import cancel_job, start_audit_log_export
from plaza.core.permissions import has_role
from plaza.core.queries import jobs as queries

HTMX_STOP_POLLING = 286


def _visible_job(request, job_id: int) -> Job:
    try:
        return queries.job_for(request.user, request.jurisdiction, job_id)
    except Job.DoesNotExist as missing:
        raise Http404("No such job.") from missing


def job_detail(request, jurisdiction, job_id):
    job = _visible_job(request, job_id)
    if not request.htmx:
        response = render(request, "core/jobs/detail.html", {"job": job})
    else:
        # 286 tells htmx to stop polling once the job is done (the fragment is still swapped in).
        status = HTMX_STOP_POLLING if job.is_finished else 200
        response = render(request, "core/jobs/includes/status.html", {"job": job}, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def job_json(request, jurisdiction, job_id):
    job = _visible_job(request, job_id)
    return JsonResponse(
        {
            "id": job.pk,
            "kind": job.kind,
            "status": job.status,
            "progress": {"done": job.progress_done, "total": job.progress_total, "message": job.progress_message},
            "result": job.result,
            "error": job.error,
            "attempts": job.attempts,
            "max_attempts": job.max_attempts,
            "created_at": job.created_at.isoformat(),
            "started_at": job.started_at.isoformat() if job.started_at else None,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "url": request.build_absolute_uri(job.get_absolute_url()),
        }
    )


def job_download(request, jurisdiction, job_id):
    job = _visible_job(request, job_id)
    name = job.result.get("file") if job.status == Job.Status.SUCCEEDED else None
    if not name or not default_storage.exists(name):
        raise Http404("No file.")
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=job.result.get("filename") or name.rsplit("/", 1)[-1],
        content_type=job.result.get("content_type") or "application/octet-stream",
    )


@require_POST
@login_required
def job_cancel(request, jurisdiction, job_id):
    job = _visible_job(request, job_id)
    if cancel_job(actor=request.user, job=job):
        messages.success(request, _("The job was cancelled."))
    else:
        messages.info(request, _("The job had already finished."))
    return redirect(job.get_absolute_url())


@require_POST
@login_required
def export_audit_log(request, jurisdiction):
    job = start_audit_log_export(actor=request.user, jurisdiction=request.jurisdiction)
    return redirect(job.get_absolute_url())


@login_required
def manage_jobs(request, jurisdiction):
    if not has_role(request.user, request.jurisdiction, Role.ADMIN):
        raise PermissionDenied(_("You do not have the role needed for this page."))
    return render(request, "core/jobs/manage.html", {"jobs": queries.recent_jobs(request.jurisdiction)})
