"""Addresses under /<jurisdiction>/budgets/ (mounted by core from the manifest's `jurisdiction_urls`)."""

from django.urls import path

from plaza.budgets import views

app_name = "budgets"

urlpatterns = [
    path("", views.budget_list, name="list"),
    path("new/", views.budget_new, name="new"),
    path("<slug:budget>/", views.budget_detail, name="budget"),
    path("<slug:budget>/manage/", views.budget_manage, name="manage"),
    path("<slug:budget>/settings/", views.budget_settings, name="settings"),
    path("<slug:budget>/headings/", views.heading_list, name="headings"),
    path("<slug:budget>/headings/<slug:heading>/", views.heading_edit, name="heading"),
    path("<slug:budget>/review/", views.review_queue, name="review-queue"),
    path("<slug:budget>/projects/new/", views.project_new, name="project-new"),
    path("<slug:budget>/projects/<int:project>/", views.project_detail, name="project"),
    path("<slug:budget>/projects/<int:project>/images/", views.project_images, name="project-images"),
    path("<slug:budget>/projects/<int:project>/review/", views.project_review, name="review"),
    path("<slug:budget>/ballot/<slug:heading>/", views.ballot, name="ballot"),
    path("<slug:budget>/booth/", views.booth, name="booth"),
    path("<slug:budget>/booth/totals/", views.booth_totals, name="booth-totals"),
    path("<slug:budget>/booths/", views.booths, name="booths"),
    path("<slug:budget>/results/<slug:heading>/", views.results, name="results"),
    path("<slug:budget>/<slug:heading>.pb", views.pb_file, name="pb"),
]
