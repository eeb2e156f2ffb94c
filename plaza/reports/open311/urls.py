"""Open311 addresses under /<jurisdiction>/open311/ (the specification's paths)."""

from django.urls import path, re_path

from plaza.reports.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>[a-z]+)$"

urlpatterns = [
    path("v2/", views.root, name="root"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/discovery" + FMT, views.discovery, name="discovery_v2"),
    re_path(r"^v2/services" + FMT, views.services, name="services"),
    re_path(r"^v2/services/(?P<code>[-\w]+)" + FMT, views.service_definition, name="service_definition"),
    re_path(r"^v2/requests" + FMT, views.service_requests, name="requests"),
    re_path(r"^v2/requests/(?P<request_id>\d+)" + FMT, views.service_request, name="request"),
    re_path(r"^v2/tokens/(?P<token>[-\w]+)" + FMT, views.token, name="token"),
]
