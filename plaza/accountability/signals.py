"""Every change to what the accountability pages show gives their kept pieces a new version (core/fragments.py).

Model signals cover every `save()` and `delete()` (operations, the admin, the demo loader); the writes that
send no signal (`QuerySet.update()`, `bulk_create`, raw SQL: the figures, the CSV imports) call
`fragments.changed(TOPIC)` themselves.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save

from plaza.core import fragments

TOPIC = "accountability"


def forget_pieces(sender, **kwargs) -> None:
    fragments.changed(TOPIC, using=kwargs.get("using") or "default")


def forget_pieces_of_ours(sender, instance, **kwargs) -> None:
    """Core's attachments and SDG tags of accountability's own content only: a report's photo or a
    proposal's tag (written hundreds of times a second on a busy day) leaves these pages alone."""
    if ContentType.objects.get_for_id(instance.content_type_id).app_label == "accountability":
        forget_pieces(sender, **kwargs)


def connect() -> None:
    # Its own models, and the member names and addresses the pages show (core's Jurisdiction).
    senders = [*apps.get_app_config("accountability").get_models(), apps.get_model("core", "Jurisdiction")]
    for signal in (post_save, post_delete):
        for sender in senders:
            signal.connect(forget_pieces, sender=sender, dispatch_uid=f"accountability.pieces.{sender._meta.label}")
        for name in ("Attachment", "SDGTag"):  # meeting documents, evidence, SDG tags: attached to any content
            signal.connect(
                forget_pieces_of_ours,
                sender=apps.get_model("core", name),
                dispatch_uid=f"accountability.pieces.core.{name}",
            )
