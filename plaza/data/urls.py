"""Addresses of the portal under /<jurisdiction>/data/."""

from django.urls import path

from plaza.data import views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("organizations/", views.organizations, name="organizations"),
    path("new/", views.dataset_new, name="dataset_new"),
    path("usage/", views.usage_dashboard, name="usage"),
    path("organizations/new/", views.organization_new, name="organization_new"),
    path("organizations/<slug:organization>/", views.organization_detail, name="organization"),
    path("harvest/", views.harvesting, name="harvesting"),
    path("harvest/<int:source_id>/run/", views.harvest_now, name="harvest_now"),
    path("harvest/<int:source_id>/edit/", views.harvest_source_edit, name="harvest_source_edit"),
    path("harvest/<int:source_id>/delete/", views.harvest_source_delete, name="harvest_source_delete"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/support/", views.request_support, name="request_support"),
    path("<slug:dataset>/", views.dataset_detail, name="dataset"),
    path("<slug:dataset>/edit/", views.dataset_edit, name="dataset_edit"),
    path("<slug:dataset>/versions/", views.versions, name="versions"),
    path("<slug:dataset>/versions/diff/", views.version_diff, name="version_diff"),
    path("<slug:dataset>/resources/new/", views.resource_new, name="resource_new"),
    path("<slug:dataset>/resources/<uuid:resource>/", views.resource_detail, name="resource"),
    path("<slug:dataset>/resources/<uuid:resource>/reload/", views.resource_reload, name="resource_reload"),
    path("<slug:dataset>/resources/<uuid:resource>/download/", views.resource_download, name="resource_download"),
]
