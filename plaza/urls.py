"""Plaza's addresses (see DESIGN.md, "Addresses": people bookmark them)."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from plaza.core import api
from plaza.core.urls import component_jurisdiction_urls
from plaza.core.views import account, api_tokens
from plaza.core.views import notifications as notification_views
from plaza.core.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/notifications/", include(notification_views.urlpatterns)),
    path("account/api-tokens/", include(api_tokens.urlpatterns)),
    path("account/", include(account.urlpatterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls()),
    path("", include("plaza.data.standard_urls")),  # CKAN Action API and DCAT-AP, network and per jurisdiction
    *component_jurisdiction_urls(),
    # Open311 GeoReport v2 keeps the specification's own address, outside /<j>/reports/.
    path("<slug:jurisdiction>/open311/", include("plaza.reports.open311.urls")),
    path("", include("plaza.core.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
