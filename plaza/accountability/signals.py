"""Every change to what the accountability pages show gives their kept pieces a new version (core/fragments.py).

Model signals cover every `save()` and `delete()` (operations, the admin, the demo loader); the writes that
send no signal (`QuerySet.update()`, `bulk_create`, raw SQL: the figures, the CSV imports) call
`fragments.changed(TOPIC)` themselves.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from plaza.core import fragments

TOPIC = "accountability"


def forget_pieces(sender, **kwargs) -> None:
    fragments.changed(TOPIC, using=kwargs.get("using") or "default")


def connect() -> None:
    senders = list(apps.get_app_config("accountability").get_models())
    # Shown on its pages too: member names and addresses, meeting documents and evidence, SDG tags.
    senders += [apps.get_model("core", name) for name in ("Jurisdiction", "Attachment", "SDGTag")]
    for sender in senders:
        for signal in (post_save, post_delete):
            signal.connect(forget_pieces, sender=sender, dispatch_uid=f"accountability.pieces.{sender._meta.label}")
