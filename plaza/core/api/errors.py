"""One machine-readable error body for every API error, and its place in the OpenAPI document.

Every error answers `{"error": {"code": "...", "message": "...", "fields": {"path": ["..."]}}}`.
"""

import logging
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)

NON_FIELD = "__all__"


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorBody(Schema):
    error: ErrorDetail


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def error_response(status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields), status=status)


# Pydantic's messages are English only; these say the same in the user's language.
def _pydantic_message(error: dict) -> str:
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    messages = {
        "missing": _("This field is required."),
        "int_parsing": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "bool_parsing": _("Enter true or false."),
        "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
        "date_parsing": _("Enter a date as YYYY-MM-DD."),
        "enum": _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")},
        "greater_than_equal": _("Enter a number of at least %(limit)s.") % {"limit": ctx.get("ge", "")},
        "less_than_equal": _("Enter a number of at most %(limit)s.") % {"limit": ctx.get("le", "")},
        "string_too_long": _("Use at most %(limit)s characters.") % {"limit": ctx.get("max_length", "")},
        "string_too_short": _("Use at least %(limit)s characters.") % {"limit": ctx.get("min_length", "")},
        "string_pattern_mismatch": _("This value has characters that are not allowed here."),
        "string_type": _("Enter text."),
        "json_invalid": _("The request body is not valid JSON."),
    }
    return str(messages.get(kind, error.get("msg", _("This value is not valid."))))


def _field_path(loc: list | tuple) -> str:
    """("body", "payload", "end_date") → "end_date"; ("query", "limit") → "limit"."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]  # the view's parameter name, which the client never sees
    return ".".join(parts) or NON_FIELD


def validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_path(error.get("loc", ())), []).append(_pydantic_message(error))
    return fields


def _on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(422, "invalid", _("The request is not valid."), validation_fields(exc.errors))


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
    else:
        fields = {NON_FIELD: [str(m) for m in exc.messages]}
    return error_response(422, "invalid", _("The request is not valid."), fields)


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, Throttled):
        return error_response(429, "rate_limited", _("Too many requests: wait a moment and try again."))
    if isinstance(exc, AuthenticationError):
        response = error_response(401, "not_authenticated", _("A valid API token or a signed-in session is needed."))
        response["WWW-Authenticate"] = 'Bearer realm="plaza"'
        return response
    if exc.status_code == 400:
        return error_response(400, "bad_request", _("The request could not be read (is the body valid JSON?)."))
    if exc.status_code == 403:
        return error_response(403, "permission_denied", _("You do not have permission to do this."))
    return error_response(exc.status_code, "error", exc.message)


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or _("You do not have permission to do this.")
    return error_response(403, "permission_denied", message)


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", _("Nothing was found at this address."))


def _on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", _("Something went wrong on our side; it has been logged."))


def install_error_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(NinjaValidationError, _on_ninja_validation)
    api.add_exception_handler(DjangoValidationError, _on_django_validation)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(PermissionDenied, _on_permission_denied)
    api.add_exception_handler(Http404, _on_not_found)
    api.add_exception_handler(Exception, _on_server_error)


def json_method_not_allowed(view):
    """Ninja answers a wrong method with a plain-text 405; answer with the error body instead."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = error_response(405, "method_not_allowed", _("This address does not accept this method."))
            response["Allow"] = allowed
        return response

    return wrapped


def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown addresses under /api/v1/ answer JSON, not the HTML 404 page."""
    return error_response(404, "not_found", _("There is no API endpoint at this address."))


ERROR_DESCRIPTIONS = {
    "400": "Bad request",
    "401": "No valid token or session (code `not_authenticated`)",
    "403": "Not allowed (code `permission_denied`)",
    "404": "Not found (code `not_found`)",
    "422": "Invalid input; `fields` maps each field path to its messages (code `invalid`)",
    "429": "Rate limit reached; see the `Retry-After` header (code `rate_limited`)",
    "500": "Server error (code `server_error`)",
}


def document_errors(schema: dict) -> dict:
    """Add the error body to the OpenAPI components and every error status to every operation."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(body.pop("$defs", {}))
    schemas["ErrorBody"] = body
    reference = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_DESCRIPTIONS.items():
                responses.setdefault(status, {"description": description, **reference})
            responses["429"]["headers"] = {
                "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
            }
    return schema
