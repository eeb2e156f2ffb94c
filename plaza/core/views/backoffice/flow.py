"""How a back-office page handles a form: validate, call one operation, or answer 400 with the errors."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.shortcuts import render

from plaza.core.forms.backoffice import add_operation_errors


def submitted(request, form, operation: Callable[[dict], object]) -> bool:
    """True once the form was valid and the operation accepted it; otherwise the form holds why not."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        operation(form.cleaned_data)
    except ValidationError as error:
        add_operation_errors(form, error)
        return False
    return True


def render_form_page(request, template: str, context: dict):
    """Render a page whose form was not (or not yet) accepted: 400 after a POST, so tools see the refusal."""
    return render(request, template, context, status=400 if request.method == "POST" else 200)
