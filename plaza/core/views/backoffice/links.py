"""Back office: send a piece of content to the component that decides on it or tracks it."""

from django.apps import apps
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from plaza.core.forms.backoffice import SendContentForm
from plaza.core.models import ContentLink
from plaza.core.operations import links as operations
from plaza.core.queries import links as queries
from plaza.core.tenancy import TenantModel
from plaza.core.views.backoffice.access import backoffice_view
from plaza.core.views.backoffice.flow import render_form_page, submitted


def _source(request):
    """The content named by ?source=app.model&id=N, within this jurisdiction."""
    try:
        model = apps.get_model(request.GET.get("source", ""))
        pk = int(request.GET.get("id", ""))
    except (LookupError, ValueError):
        raise Http404("No such content.") from None
    if not issubclass(model, TenantModel):
        raise Http404("No such content.")
    found = model._default_manager.with_scope(jurisdiction=request.jurisdiction).filter(pk=pk).first()
    if found is None:
        raise Http404("No such content.")
    return found


@backoffice_view()
def send_content(request, jurisdiction):
    source = _source(request)
    kind = request.GET.get("kind", ContentLink.Kind.DECISION)
    if kind not in ContentLink.Kind.values:
        raise Http404("No such kind of link.")
    targets = queries.send_targets(request.jurisdiction, kind)
    by_pk = {instance.pk: instance for instance, _target in targets}
    form = SendContentForm(request.POST or None, targets=targets)
    made = []

    def send(data):
        made.append(
            operations.send_to(
                actor=request.user, source=source, component=by_pk[data["component"]], kind=kind, note=data["note"]
            )
        )

    if submitted(request, form, send):
        target = made[0].target
        messages.success(request, _("Sent. “%(title)s” is linked to it.") % {"title": source})
        url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
        return redirect(url or source.get_absolute_url())
    context = {"form": form, "source": source, "kind": ContentLink.Kind(kind), "targets": targets}
    return render_form_page(request, "core/backoffice/links_send.html", context)
