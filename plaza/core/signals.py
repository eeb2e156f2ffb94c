"""Signal handlers core needs at start-up."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from plaza.core import fragments
from plaza.core.models import ComponentInstance, ComponentStep, Jurisdiction, Phase, Process, RoleGrant, User
from plaza.core.permissions import ROLES_TOPIC
from plaza.core.queries.processes import PROCESSES_TOPIC
from plaza.core.search import index_object, unindex_object
from plaza.core.tenancy import JURISDICTIONS_TOPIC


@receiver(post_save, sender=Process, dispatch_uid="core.index_process")
def index_process(sender, instance: Process, raw: bool = False, **kwargs) -> None:
    # Every write path (operations, demo loader, admin) keeps the process findable.
    if not raw:
        index_object(instance)


@receiver(post_delete, sender=Process, dispatch_uid="core.unindex_process")
def unindex_process(sender, instance: Process, **kwargs) -> None:
    unindex_object(instance)


@receiver(post_save, sender=Jurisdiction, dispatch_uid="core.forget_domains_on_save")
@receiver(post_delete, sender=Jurisdiction, dispatch_uid="core.forget_domains_on_delete")
def forget_mapped_domains(sender, **kwargs) -> None:
    # A new or changed domain must be served at once (and again on commit: a read in between kept the old map).
    fragments.changed(JURISDICTIONS_TOPIC, using=kwargs.get("using") or "default")


def forget_process_pages(sender, **kwargs) -> None:
    """What `queries.process_page` keeps (a process, its phases, steps and components) changed: retire it."""
    fragments.changed(PROCESSES_TOPIC, using=kwargs.get("using") or "default")


for _model in (Jurisdiction, Process, Phase, ComponentStep, ComponentInstance):
    for _signal in (post_save, post_delete):
        _signal.connect(forget_process_pages, sender=_model, dispatch_uid=f"core.process_pages.{_model.__name__}")


def forget_role_readings(sender, **kwargs) -> None:
    """Who holds a role changed (a grant given or taken, an account saved or deleted): retire what was kept."""
    fragments.changed(ROLES_TOPIC, using=kwargs.get("using") or "default")


for _model in (RoleGrant, User):
    for _signal in (post_save, post_delete):
        _signal.connect(forget_role_readings, sender=_model, dispatch_uid=f"core.role_readings.{_model.__name__}")
