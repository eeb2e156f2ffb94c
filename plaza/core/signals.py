"""Signal handlers core needs at start-up."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from plaza.core.models import Process
from plaza.core.search import index_object, unindex_object


@receiver(post_save, sender=Process, dispatch_uid="core.index_process")
def index_process(sender, instance: Process, raw: bool = False, **kwargs) -> None:
    # Every write path (operations, demo loader, admin) keeps the process findable.
    if not raw:
        index_object(instance)


@receiver(post_delete, sender=Process, dispatch_uid="core.unindex_process")
def unindex_process(sender, instance: Process, **kwargs) -> None:
    unindex_object(instance)
