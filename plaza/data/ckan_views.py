"""The CKAN Action API's HTTP side: GET or JSON POST in, CKAN's envelope out (CSRF-exempt, read-only)."""

import json
from contextlib import nullcontext

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from plaza.core.tenancy import across_jurisdictions
from plaza.data import ckan_actions  # noqa: F401 - registers the actions
from plaza.data.ckan import ACTIONS, CkanError, Site


def _params(request) -> dict:
    if request.method == "GET":
        return {key: values[-1] if len(values) == 1 else values for key, values in request.GET.lists()}
    if request.content_type == "application/json" or request.body[:1] in (b"{", b"["):
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise CkanError("Validation Error", 400, _("The request body is not valid JSON.")) from None
        if not isinstance(body, dict):
            raise CkanError("Validation Error", 400, _("Send the parameters as a JSON object."))
        return body
    return request.POST.dict()


def _answer(request, name: str, body: dict, status: int = 200) -> JsonResponse:
    help_url = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + f"/help_show?name={name}")
    response = JsonResponse({"help": help_url, **body}, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@csrf_exempt
def action(request, action_name: str, jurisdiction: str | None = None):
    """/<j>/api/3/action/<name> (one jurisdiction) or /api/3/action/<name> (every active one, public data)."""
    if request.method not in {"GET", "POST"}:
        return _answer(
            request,
            action_name,
            {"success": False, "error": {"__type": "Bad Request Error", "message": _("Use GET or POST.")}},
            405,
        )
    handler = ACTIONS.get(action_name)
    if handler is None:
        message = _("Bad request - Action name not known: %(name)s") % {"name": action_name}
        return _answer(
            request, action_name, {"success": False, "error": {"__type": "Bad Request Error", "message": message}}, 400
        )
    site = Site(request, request.jurisdiction)
    try:
        # The network-wide API reads every active jurisdiction's public datasets, explicitly.
        with nullcontext() if site.jurisdiction else across_jurisdictions():
            result = handler(site, _params(request))
    except CkanError as refused:
        return _answer(request, action_name, {"success": False, "error": refused.body()}, refused.status)
    return _answer(request, action_name, {"success": True, "result": result})
