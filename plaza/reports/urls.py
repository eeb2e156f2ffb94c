"""Addresses under /<jurisdiction>/reports/ (and the component's entry inside a process)."""

from django.urls import path

from plaza.reports import feeds, views

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.new_report, name="new_report"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("feed.rss", feeds.ReportsFeed(), name="feed_rss"),
    path("feed.atom", feeds.ReportsAtomFeed(), name="feed_atom"),
    path("areas/<int:area>/feed.rss", feeds.ReportsFeed(), name="area_feed_rss"),
    path("areas/<int:area>/feed.atom", feeds.ReportsAtomFeed(), name="area_feed_atom"),
    path("confirm/<str:token>/", views.confirm_report, name="confirm_report"),
    path("<int:report>/", views.report_detail, name="report_detail"),
    path("<int:report>/photos/<int:photo>/original/", views.original_photo, name="original_photo"),
    path("<int:report>/support/", views.support, name="support"),
    path("<int:report>/status/", views.change_status, name="change_status"),
    path("<int:report>/assign/", views.assign, name="assign"),
    path("<int:report>/note/", views.add_note, name="add_note"),
    path("<int:report>/reopen/", views.reopen, name="reopen"),
    path("reopen/<str:token>/", views.reopen_by_link, name="reopen_by_link"),
    path("<int:report>/merge/", views.merge, name="merge"),
    path("manage/", views.inbox, name="inbox"),
    path("manage/dashboard/", views.mayor_dashboard, name="mayor_dashboard"),
    path("manage/categories/", views.manage_categories, name="manage_categories"),
    path("manage/areas/", views.manage_areas, name="manage_areas"),
]
