"""Refused page forms answer HTTP 400, also on the pages of libraries (allauth) that answer 200."""

from django import forms


class RefusedFormStatusMiddleware:
    """After a POST, a page that shows a bound form with errors says so with 400 (tools and tests see it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if request.method == "POST" and response.status_code == 200 and _shows_refused_form(response.context_data):
            response.status_code = 400
        return response


def _shows_refused_form(context) -> bool:
    return any(
        isinstance(value, forms.BaseForm) and value.is_bound and bool(value.errors)
        for value in (context or {}).values()
    )
