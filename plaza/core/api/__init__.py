"""The JSON API at /api/v1/ (OpenAPI 3 at /api/v1/openapi.json, docs at /api/v1/docs).

Each component's manifest may add a router, mounted at /api/v1/<name>/.
"""

from django.urls import URLPattern, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from plaza.core.api import geocoding, jurisdictions, me
from plaza.core.api.auth import ANYONE
from plaza.core.api.errors import document_errors, install_error_handlers, json_method_not_allowed, not_found_view
from plaza.core.api.throttling import PlazaRateThrottle
from plaza.core.components import registry, resolve

DESCRIPTION = """Open local government: jurisdictions, processes and their components.

Anyone may read public data. To write, send `Authorization: Bearer <token>` with a token
created at `/account/api-tokens/` (scope *write*), or use a signed-in session.
Every error answers `{"error": {"code", "message", "fields"}}`; lists answer
`{"items", "count", "limit", "offset", "next", "previous"}`.
"""


class PlazaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return document_errors(super().get_openapi_schema(*args, **kwargs))


api = PlazaAPI(
    title="Plaza API",
    version="1",
    urls_namespace="api",
    description=DESCRIPTION,
    # Served from Plaza's own static files ("ninja" is an installed app): no CDN.
    docs=Swagger(settings={"validatorUrl": None}),
    auth=ANYONE,
    throttle=[PlazaRateThrottle()],
)
install_error_handlers(api)

api.add_router("/", jurisdictions.router)
api.add_router("/", me.router)
api.add_router("/", geocoding.router)
for manifest in registry:
    if manifest.api_router:
        api.add_router(f"/{manifest.name}/", resolve(manifest.api_router))


def urls():
    """The API's addresses, then a JSON 404 for anything else under /api/v1/."""
    patterns, app_name, namespace = api.urls
    wrapped = [
        # ninja's root is an HTML page; keep its name (ninja reverses it) but answer JSON there.
        URLPattern(
            p.pattern,
            not_found_view if p.name == "api-root" else json_method_not_allowed(p.callback),
            p.default_args,
            p.name,
        )
        for p in patterns
    ]
    return [*wrapped, re_path(r"^(?P<rest>.*)$", not_found_view)], app_name, namespace
