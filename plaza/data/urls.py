"""Addresses of the portal under /<jurisdiction>/data/."""

from django.urls import path

from plaza.data import views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("organizations/", views.organizations, name="organizations"),
    path("new/", views.dataset_new, name="dataset_new"),
    path("<slug:dataset>/", views.dataset_detail, name="dataset"),
    path("<slug:dataset>/edit/", views.dataset_edit, name="dataset_edit"),
    path("<slug:dataset>/versions/", views.versions, name="versions"),
    path("<slug:dataset>/versions/diff/", views.version_diff, name="version_diff"),
    path("<slug:dataset>/resources/new/", views.resource_new, name="resource_new"),
    path("<slug:dataset>/resources/<uuid:resource>/", views.resource_detail, name="resource"),
]
