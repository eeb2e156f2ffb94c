"""Addresses inside a votes component of a process: the list of its votations."""

from django.urls import path

from plaza.votes import views

urlpatterns = [path("", views.component_votations, name="votes_component")]
