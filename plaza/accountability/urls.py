"""Accountability's addresses under /<jurisdiction>/accountability/ (bookmarked: keep them stable)."""

from django.urls import path

from plaza.accountability import views
from plaza.accountability.feeds import ProgressFeed

urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("export/<slug:what>.<slug:fmt>", views.export, name="export"),
    path("feed/progress.atom", ProgressFeed(), name="feed"),
    path("plans/<slug:plan>/feed/progress.atom", ProgressFeed(), name="plan_feed"),
    path("network/", views.network_overview, name="network"),
    path("network/topics/", views.network_topics, name="topics"),
    path("network/topics/<slug:topic>/", views.network_topic, name="topic"),
    path("results/", views.results, name="results"),
    path("results/import/", views.results_import, name="results_import"),
    path("results/import/<int:job_id>/", views.import_report, name="import_report"),
    path("progress/import/", views.progress_import, name="progress_import"),
    path("progress/import/<int:job_id>/", views.progress_import_report, name="progress_import_report"),
    path("results/<int:result>/", views.result_detail, name="result"),
    path("results/<int:result>/update/", views.result_update, name="result_update"),
    path("results/<int:result>/milestones/", views.result_milestones, name="result_milestones"),
    path(
        "results/<int:result>/milestones/<int:position>/edit/",
        views.edit_result_milestone,
        name="edit_result_milestone",
    ),
    path(
        "results/<int:result>/milestones/<int:position>/remove/",
        views.remove_result_milestone_page,
        name="remove_result_milestone",
    ),
    path("plans/new/", views.new_plan, name="new_plan"),
    path("plans/<slug:plan>/", views.plan_detail, name="plan"),
    path("plans/<slug:plan>/edit/", views.edit_plan, name="edit_plan"),
    path("plans/<slug:plan>/status/", views.plan_status, name="plan_status"),
    path("plans/<slug:plan>/commitments/new/", views.new_commitment, name="new_commitment"),
    path("plans/<slug:plan>/commitments/<int:number>/milestones/new/", views.new_milestone, name="new_milestone"),
    path("plans/<slug:plan>/forum/members/new/", views.new_forum_member, name="new_forum_member"),
    path("plans/<slug:plan>/forum/meetings/new/", views.new_meeting, name="new_meeting"),
    path("plans/<slug:plan>/forum/members/<int:member>/edit/", views.edit_forum_member, name="edit_forum_member"),
    path(
        "plans/<slug:plan>/forum/members/<int:member>/remove/",
        views.remove_forum_member_page,
        name="remove_forum_member",
    ),
    path("plans/<slug:plan>/forum/meetings/<int:meeting>/edit/", views.edit_meeting, name="edit_meeting"),
    path("plans/<slug:plan>/forum/meetings/<int:meeting>/remove/", views.remove_meeting_page, name="remove_meeting"),
    path("plans/<slug:plan>/timeline/", views.timeline, name="timeline"),
    path("plans/<slug:plan>/candidates/<int:candidate>/decide/", views.decide, name="decide_candidate"),
    path("plans/<slug:plan>/assessment/", views.assessment_report, name="assessment"),
    path("plans/<slug:plan>/commitments/<int:number>/", views.commitment_detail, name="commitment"),
    path("plans/<slug:plan>/commitments/<int:number>/edit/", views.edit_commitment, name="edit_commitment"),
    path(
        "plans/<slug:plan>/commitments/<int:number>/milestones/<int:position>/history/",
        views.milestone_history,
        name="milestone_history",
    ),
    path(
        "plans/<slug:plan>/commitments/<int:number>/milestones/<int:position>/edit/",
        views.edit_milestone,
        name="edit_milestone",
    ),
    path("plans/<slug:plan>/commitments/<int:number>/evidence/", views.commitment_evidence, name="evidence"),
    path("plans/<slug:plan>/commitments/<int:number>/assess/", views.assess_commitment, name="assess"),
    path(
        "plans/<slug:plan>/commitments/<int:number>/milestones/<int:position>/progress/",
        views.post_progress,
        name="post_progress",
    ),
]
