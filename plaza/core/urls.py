"""Core's addresses: the network home and everything under /<jurisdiction>/."""

from django.urls import include, path, re_path

from plaza.core.components import registry
from plaza.core.views import account, attachments, backoffice, exports, jobs, public, sdg
from plaza.core.views import comments as comment_views
from plaza.core.views import search as search_views

app_name = "core"

jurisdiction_patterns = [
    path("", public.jurisdiction_home, name="jurisdiction_home"),
    path("audit/", public.audit_log, name="audit_log"),
    path("export/", exports.export_index, name="exports"),
    path("export/<slug:what>.<str:fmt>", exports.core_export, name="export"),
    path("<slug:app>/export/<slug:what>.<str:fmt>", exports.component_export, name="component_export"),
    path("audit/export/", jobs.export_audit_log, name="audit_log_export"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:job_id>.json", jobs.job_json, name="job_json"),
    path("jobs/<int:job_id>/download/", jobs.job_download, name="job_download"),
    path("jobs/<int:job_id>/cancel/", jobs.job_cancel, name="job_cancel"),
    path("manage/jobs/", jobs.manage_jobs, name="manage_jobs"),
    path("verify/", account.verify, name="verify"),
    path("processes/<slug:process>/", public.process_detail, name="process_detail"),
    re_path(r"^processes/(?P<process>[-\w]+)/(?P<component>[-\w]+)/(?P<rest>.*)$", public.component, name="component"),
    path("", include(comment_views.urlpatterns)),
    path("manage/", include(backoffice.urlpatterns)),
    path("search/", search_views.jurisdiction_search, name="search"),
    path("sdg/", sdg.sdg_index, name="sdg_index"),
    path("sdg/<int:number>/", sdg.sdg_goal, name="sdg_goal"),
    path("attachments/<int:attachment>/", attachments.download, name="attachment_download"),
]

urlpatterns = [
    path("", public.network_home, name="network_home"),
    path("search/", search_views.network_search, name="network_search"),
    path("<slug:jurisdiction>/", include(jurisdiction_patterns)),
]


def component_jurisdiction_urls():
    """/<jurisdiction>/<component name>/… for every component that serves pages outside processes."""
    return [
        path(f"<slug:jurisdiction>/{manifest.name}/", include((manifest.jurisdiction_urls, manifest.name)))
        for manifest in registry
        if manifest.jurisdiction_urls
    ]
