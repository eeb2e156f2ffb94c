"""Addresses inside a page component."""

from django.urls import path

from plaza.pages import views

urlpatterns = [path("", views.page_detail, name="page_detail")]
