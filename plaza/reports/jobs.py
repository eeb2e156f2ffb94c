"""The reports' background jobs: rebuilding the dashboard's figures, forwarding to and pulling from Open311."""

from plaza.core.jobs import job
from plaza.reports.stats import rebuild_daily_stats


@job("reports.rebuild_stats", max_attempts=2, retry_backoff=60)
def rebuild_stats(job, context):
    """Recompute the responsiveness figures from the timelines (after an import, or to repair drift)."""
    return {"reports": rebuild_daily_stats(job.jurisdiction)}
