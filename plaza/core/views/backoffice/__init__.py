"""The back office a jurisdiction's admins and officers use (not Django's admin), under /<jurisdiction>/manage/."""

from django.urls import path

from plaza.core.views.backoffice import dashboard, gazetteer, identity, links, moderation, processes, roles, settings

urlpatterns = [
    path("", dashboard.dashboard, name="backoffice"),
    path("census/", identity.census_upload, name="census_upload"),
    path("verify-in-person/", identity.verify_person, name="verify_person"),
    path("audit/", identity.audit, name="backoffice_audit"),
    path("gazetteer/", gazetteer.gazetteer, name="gazetteer"),
    path("processes/", processes.process_list, name="manage_processes"),
    path("processes/new/", processes.process_create, name="manage_process_create"),
    path("processes/<slug:process>/", processes.process_edit, name="manage_process"),
    path("processes/<slug:process>/publish/", processes.process_publish, name="manage_process_publish"),
    path("processes/<slug:process>/phases/new/", processes.phase_create, name="manage_phase_create"),
    path("processes/<slug:process>/phases/<int:phase>/", processes.phase_edit, name="manage_phase"),
    path("processes/<slug:process>/phases/<int:phase>/delete/", processes.phase_delete, name="manage_phase_delete"),
    path("processes/<slug:process>/components/new/", processes.component_create, name="manage_component_create"),
    path("processes/<slug:process>/components/<int:component>/", processes.component_edit, name="manage_component"),
    path("processes/<slug:process>/steps/", processes.steps, name="manage_steps"),
    path("links/send/", links.send_content, name="send_content"),
    path("moderation/blocked/", moderation.blocked_accounts, name="blocked_accounts"),
    path("moderation/block/<int:user_id>/", moderation.block, name="block_account"),
    path("moderation/unblock/<int:user_id>/", moderation.unblock, name="unblock_account"),
    path("roles/", roles.role_list, name="manage_roles"),
    path("roles/<int:grant>/revoke/", roles.role_revoke, name="manage_role_revoke"),
    path("settings/", settings.jurisdiction_settings, name="manage_settings"),
    path("jurisdictions/", settings.jurisdiction_create, name="manage_jurisdictions"),
]
