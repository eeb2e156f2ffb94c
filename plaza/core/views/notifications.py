"""A resident's notifications: the list, marking them read, and how often to e-mail them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plaza.core.forms.participation import NotificationSettingsForm
from plaza.core.models import Notification
from plaza.core.operations import notifications as operations
from plaza.core.queries import notifications as queries


@login_required
def notification_list(request):
    form = NotificationSettingsForm(
        request.POST or None, initial={"notification_emails": request.user.notification_emails}
    )
    if request.method == "POST" and form.is_valid():
        operations.set_notification_emails(
            actor=request.user, user=request.user, frequency=form.cleaned_data["notification_emails"]
        )
        messages.success(request, _("Your e-mail setting is saved."))
        return redirect("notifications")
    rows = queries.notifications_for(request.user)[:100]
    entries = [(row, operations.describe(row)) for row in rows]
    status = 400 if request.method == "POST" else 200
    return render(request, "core/notifications/list.html", {"entries": entries, "form": form}, status=status)


@login_required
@require_POST
def read_one(request, notification_id: int):
    try:
        notification = queries.notifications_for(request.user).get(pk=notification_id)
    except Notification.DoesNotExist as missing:
        raise Http404("No such notification.") from missing
    operations.mark_read(actor=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def read_all(request):
    operations.mark_all_read(actor=request.user)
    messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications")


urlpatterns = [
    path("", notification_list, name="notifications"),
    path("<int:notification_id>/read/", read_one, name="notification_read"),
    path("read/", read_all, name="notifications_read_all"),
]
