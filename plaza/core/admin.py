"""Django's admin, for the platform's operators (superusers) only.

Jurisdiction admins use the back office (`/<jurisdiction>/manage/`); this site reads across
every jurisdiction, so it says so explicitly and refuses anyone but a superuser.
"""

from functools import wraps

from django.contrib import admin

from plaza.core.models import (
    AuditEntry,
    ComponentInstance,
    Jurisdiction,
    Phase,
    Process,
    RoleGrant,
    User,
)
from plaza.core.tenancy import across_jurisdictions


class PlazaAdminSite(admin.AdminSite):
    site_header = "Plaza operators"

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def scoped(request, *args, **kwargs):
            with across_jurisdictions():
                return inner(request, *args, **kwargs)

        return scoped


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "parent", "is_active")
    search_fields = ("name", "slug")


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "public_name", "is_active", "is_superuser", "date_joined")
    search_fields = ("email", "public_name")
    exclude = ("password",)


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ("title", "jurisdiction", "is_published", "start_date", "end_date")
    list_filter = ("jurisdiction",)


admin.site.register(Phase)
admin.site.register(ComponentInstance)
admin.site.register(RoleGrant)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "jurisdiction", "actor_label", "action", "target_label")
    list_filter = ("jurisdiction", "action")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
