"""Core's addresses: the network home and everything under /<jurisdiction>/."""

from django.urls import include, path, re_path

from plaza.core.components import registry
from plaza.core.views import account, backoffice, jobs, public

app_name = "core"

jurisdiction_patterns = [
    path("", public.jurisdiction_home, name="jurisdiction_home"),
    path("audit/", public.audit_log, name="audit_log"),
    path("audit/export/", jobs.export_audit_log, name="audit_log_export"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:job_id>.json", jobs.job_json, name="job_json"),
    path("jobs/<int:job_id>/download/", jobs.job_download, name="job_download"),
    path("jobs/<int:job_id>/cancel/", jobs.job_cancel, name="job_cancel"),
    path("manage/jobs/", jobs.manage_jobs, name="manage_jobs"),
    path("verify/", account.verify, name="verify"),
    path("processes/<slug:process>/", public.process_detail, name="process_detail"),
    re_path(r"^processes/(?P<process>[-\w]+)/(?P<component>[-\w]+)/(?P<rest>.*)$", public.component, name="component"),
    path("manage/", include(backoffice.urlpatterns)),
]

urlpatterns = [
    path("", public.network_home, name="network_home"),
    path("<slug:jurisdiction>/", include(jurisdiction_patterns)),
]


def component_jurisdiction_urls():
    """/<jurisdiction>/<component name>/… for every component that serves pages outside processes."""
    return [
        path(f"<slug:jurisdiction>/{manifest.name}/", include((manifest.jurisdiction_urls, manifest.name)))
        for manifest in registry
        if manifest.jurisdiction_urls
    ]
