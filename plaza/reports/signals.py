"""What reports keep in the cache (core/fragments.py) is retired when its rows change.

Categories (with their forwarding destinations) and areas are read by every new report; their writes all go
through `save()` and `delete()` (operations, the admin, the seeds), so model signals cover them.
"""

from django.db.models.signals import post_delete, post_save

from plaza.core import fragments
from plaza.reports.models import Area, Category, Open311Destination
from plaza.reports.queries import SETUP_TOPIC


def forget_setup(sender, **kwargs) -> None:
    fragments.changed(SETUP_TOPIC, using=kwargs.get("using") or "default")


def connect() -> None:
    for model in (Category, Area, Open311Destination):
        for signal in (post_save, post_delete):
            signal.connect(forget_setup, sender=model, dispatch_uid=f"reports.setup.{model.__name__}")
