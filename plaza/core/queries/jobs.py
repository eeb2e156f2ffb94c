"""Reading background jobs: one for its creator or an admin, the recent ones for admins."""

from django.db.models import QuerySet

from plaza.core.models import Job, Jurisdiction, Role
from plaza.core.permissions import has_role


def may_see_job(user, job: Job) -> bool:
    """A job is shown to the person who started it and to its jurisdiction's admins."""
    if user is None or not user.is_authenticated:
        return False
    return job.created_by_id == user.pk or has_role(user, job.jurisdiction, Role.ADMIN)


def job_for(user, jurisdiction: Jurisdiction, job_id: int) -> Job:
    """The job if `user` may see it; Job.DoesNotExist otherwise (the page answers 404 either way)."""
    found = Job.objects.with_scope(jurisdiction=jurisdiction).select_related("jurisdiction").get(pk=job_id)
    if not may_see_job(user, found):
        raise Job.DoesNotExist("Not visible to this user.")
    return found


def recent_jobs(jurisdiction: Jurisdiction, limit: int = 100) -> QuerySet[Job]:
    return Job.objects.with_scope(jurisdiction=jurisdiction).select_related("jurisdiction", "created_by")[:limit]
