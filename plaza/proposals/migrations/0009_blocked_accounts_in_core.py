# Blocking an account is core's concept now (core.BlockedAccount, so core's comments ask it too): the blocks
# already made move there, then proposals' table goes.

from django.db import migrations


def move_blocks_to_core(apps, schema_editor):
    old = apps.get_model("proposals", "BlockedAccount")
    new = apps.get_model("core", "BlockedAccount")
    blocks = list(old._base_manager.order_by("pk"))
    new._base_manager.bulk_create(
        new(
            jurisdiction_id=block.jurisdiction_id,
            user_id=block.user_id,
            reason=block.reason,
            blocked_by_id=block.blocked_by_id,
        )
        for block in blocks
    )
    # auto_now_add stamped the copies with today: keep when each block was made (found by its unique pair).
    for block in blocks:
        new._base_manager.filter(jurisdiction_id=block.jurisdiction_id, user_id=block.user_id).update(
            created_at=block.created_at
        )


def move_blocks_back(apps, schema_editor):
    old = apps.get_model("proposals", "BlockedAccount")
    new = apps.get_model("core", "BlockedAccount")
    old._base_manager.bulk_create(
        old(
            jurisdiction_id=block.jurisdiction_id,
            user_id=block.user_id,
            reason=block.reason,
            blocked_by_id=block.blocked_by_id,
            created_at=block.created_at,
        )
        for block in new._base_manager.order_by("pk")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_blocked_accounts"),
        ("proposals", "0008_random_key"),
    ]

    operations = [
        migrations.RunPython(move_blocks_to_core, move_blocks_back),
        migrations.DeleteModel(name="BlockedAccount"),
    ]
