"""Blocks made while they were proposals' table move to core's with their reason, author and date."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("proposals", "0008_random_key"), ("core", "0007_census_email")]
AFTER = [("proposals", "0009_blocked_accounts_in_core")]


@pytest.mark.django_db(transaction=True)
def test_blocks_move_to_core_keeping_every_row():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        jurisdiction = old.get_model("core", "Jurisdiction")._base_manager.create(slug="vigo", name="Vigo")
        users = old.get_model("core", "User")._base_manager
        moderator = users.create(email="mod@vigo.example")
        blocked = [users.create(email=f"troll{n}@vigo.example") for n in range(2)]
        made = datetime(2026, 3, 1, 12, tzinfo=UTC)
        blocks = old.get_model("proposals", "BlockedAccount")._base_manager
        for n, user in enumerate(blocked):
            block = blocks.create(jurisdiction=jurisdiction, user=user, reason=f"Spam {n}", blocked_by=moderator)
            blocks.filter(pk=block.pk).update(created_at=made)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        moved = new.get_model("core", "BlockedAccount")._base_manager.order_by("user_id")
        assert [(b.jurisdiction_id, b.user_id, b.reason, b.blocked_by_id, b.created_at) for b in moved] == [
            (jurisdiction.pk, user.pk, f"Spam {n}", moderator.pk, made) for n, user in enumerate(blocked)
        ]
        assert "proposals_blockedaccount" not in connection.introspection.table_names()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
