"""Keeps each proposal's comment count on its row when core's comments change (posted, hidden, restored, deleted)."""

from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from plaza.core.models import Comment
from plaza.proposals.models import Proposal
from plaza.proposals.queries import count_comments


def _recount(jurisdiction_id: int, proposal_id: int) -> None:
    count = count_comments(jurisdiction_id, proposal_id)
    Proposal.objects.with_scope(jurisdiction=jurisdiction_id).filter(pk=proposal_id).update(comments_count=count)


@receiver(post_save, sender=Comment, dispatch_uid="proposals.count_comments_on_save")
@receiver(post_delete, sender=Comment, dispatch_uid="proposals.count_comments_on_delete")
def recount_comments(sender, instance: Comment, raw: bool = False, **kwargs) -> None:
    if raw or instance.content_type_id != ContentType.objects.get_for_model(Proposal).pk:
        return
    # Recounted after commit, not incremented: a hide or a restore is a save too, and two comments
    # committed at once each recount what is committed, so the last recount is exact.
    transaction.on_commit(partial(_recount, instance.jurisdiction_id, instance.object_id))
