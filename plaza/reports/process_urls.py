"""The reports component's address inside a process: it leads to the jurisdiction's reports."""

from django.urls import path

from plaza.reports import views

urlpatterns = [path("", views.process_entry, name="reports_process_entry")]
