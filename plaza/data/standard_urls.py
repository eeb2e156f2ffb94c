"""The portal's standard addresses: CKAN's Action API, the DCAT-AP catalogue and the network's portal page.

Mounted by plaza/urls.py at the root, since they live outside /<jurisdiction>/data/.
"""

from django.urls import path, re_path

from plaza.data import ckan_views, dcat_views, views

ACTION = r"api/(?:3/)?action/(?P<action_name>[a-z_]+)$"
CATALOG = r"catalog\.(?P<fmt>ttl|rdf|jsonld)$"

urlpatterns = [
    # The network's portal page: "network" is a reserved jurisdiction address, so no jurisdiction is shadowed.
    path("network/data/", views.network_catalogue, name="data_network_catalogue"),
    re_path(rf"^{ACTION}", ckan_views.action, name="ckan_network_action"),
    re_path(rf"^{CATALOG}", dcat_views.catalog, name="dcat_network_catalog"),
    re_path(rf"^(?P<jurisdiction>[-a-zA-Z0-9_]+)/{ACTION}", ckan_views.action, name="ckan_action"),
    re_path(rf"^(?P<jurisdiction>[-a-zA-Z0-9_]+)/{CATALOG}", dcat_views.catalog, name="dcat_catalog"),
]
