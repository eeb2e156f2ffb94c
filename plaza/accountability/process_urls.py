"""Inside a process, the accountability component shows the jurisdiction's action plans."""

from django.urls import path

from plaza.accountability import views

urlpatterns = [path("", views.plan_list, name="accountability_in_process")]
