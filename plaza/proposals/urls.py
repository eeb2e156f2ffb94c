"""Addresses inside a proposals component (after /<j>/processes/<p>/<component>/)."""

from django.urls import path

from plaza.proposals import views

urlpatterns = [
    path("", views.proposal_index, name="proposal_index"),
    path("new/", views.new_proposal, name="new_proposal"),
    path("map/", views.proposal_map, name="proposal_map"),
    path("<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("<int:pk>/edit/", views.edit_proposal, name="edit_proposal"),
    path("<int:pk>/publish/", views.publish, name="publish_proposal"),
    path("<int:pk>/support/", views.support, name="support_proposal"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw_proposal"),
    path("<int:pk>/archive/", views.archive, name="archive_proposal"),
    path("<int:pk>/expert/", views.expert, name="expert_proposal"),
    path("<int:pk>/attach/", views.attach, name="attach_to_proposal"),
    path("<int:pk>/hide/", views.hide, name="hide_proposal"),
    path("<int:pk>/release/", views.release, name="release_proposal"),
    path("moderation/", views.moderation_queue, name="proposals_moderation"),
    path("moderation/block/<int:user_id>/", views.block, name="proposals_block"),
    path("moderation/unblock/<int:user_id>/", views.unblock, name="proposals_unblock"),
    path("<int:pk>/merge/", views.merge, name="merge_proposal"),
    path("synthesis/", views.synthesis_index, name="synthesis_index"),
    path("synthesis/new/", views.new_synthesis, name="new_synthesis"),
    path("synthesis/<int:pk>/", views.synthesis_detail, name="synthesis_detail"),
    path("synthesis/<int:pk>/edit/", views.edit_synthesis, name="edit_synthesis"),
    path("synthesis/<int:pk>/regroup/", views.regroup_synthesis, name="regroup_synthesis"),
    path("debates/", views.debate_index, name="debate_index"),
    path("debates/new/", views.new_debate, name="new_debate"),
    path("debates/<int:pk>/", views.debate_detail, name="debate_detail"),
    path("debates/<int:pk>/vote/", views.debate_vote, name="debate_vote"),
    path("debates/<int:pk>/release/", views.release_debate, name="release_debate"),
    path("debates/<int:pk>/hide/", views.hide_debate, name="hide_debate"),
]
