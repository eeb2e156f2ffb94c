"""Addresses under /<jurisdiction>/votes/ (mounted by core from the manifest's `jurisdiction_urls`)."""

from django.urls import path

from plaza.votes import views

app_name = "votes"

urlpatterns = [
    path("", views.votation_list, name="list"),
    # Served here (before core's generic component export) to carry each votation's results.
    path("export/votations.json", views.votations_export, name="export_votations"),
    path("new/", views.votation_create, name="create"),
    path("<slug:votation>/", views.votation_detail, name="votation"),
    path("<slug:votation>/vote/", views.cast, name="cast"),
    path("<slug:votation>/change/", views.change, name="change"),
    path("<slug:votation>/code/", views.code_request, name="code_request"),
    path("<slug:votation>/code/vote/", views.code_vote, name="code_vote"),
    path("<slug:votation>/receipt/", views.receipt_check, name="receipt"),
    path("<slug:votation>/results/", views.results, name="results"),
    path("<slug:votation>/ballots.<str:fmt>", views.ballots_file, name="ballots"),
    path("<slug:votation>/edit/", views.votation_edit, name="edit"),
    path("<slug:votation>/booth/", views.booth, name="booth"),
    path("<slug:votation>/booth/totals/", views.booth_totals, name="booth_totals"),
    path("<slug:votation>/booth/code/", views.booth_code, name="booth_code"),
]
