"""Inside a process, the open data component leads to the jurisdiction's portal."""

from django.urls import path
from django.views.generic import RedirectView


def _portal(request):
    return RedirectView.as_view(pattern_name="data:catalogue", permanent=False)(
        request, jurisdiction=request.jurisdiction.slug
    )


urlpatterns = [path("", _portal, name="data_in_process")]
