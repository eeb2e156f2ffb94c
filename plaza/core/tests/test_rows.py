"""Rows written with SQL built from the models (core/rows.py): all or nothing, one statement on PostgreSQL."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from plaza.core import rows
from plaza.core.models import AuditEntry, Follow
from plaza.core.tests.factories import JurisdictionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # outside any transaction, as a request's write is


def _follow(jurisdiction, user, object_id: int) -> rows.Statement:
    kind = ContentType.objects.get_for_model(AuditEntry)
    return rows.insert(Follow(jurisdiction=jurisdiction, user=user, content_type=kind, object_id=object_id), connection)


def test_a_row_and_the_rows_that_need_its_key_are_written_together():
    place, user = JurisdictionFactory(), UserFactory()
    rows.insert_with(AuditEntry(jurisdiction=place, action="warm-up"), list)  # the sequence's name, once per process
    ContentType.objects.get_for_model(AuditEntry)  # read once per process
    entry = AuditEntry(jurisdiction=place, actor=user, action="report.create", data={"by": "test"})
    with CaptureQueriesContext(connection) as queries:
        rows.insert_with(entry, lambda: [_follow(place, user, entry.pk)])
    # PostgreSQL: the key from the sequence, then one statement (no BEGIN, no COMMIT); SQLite: both INSERTs in a
    # transaction (BEGIN IMMEDIATE … COMMIT).
    assert len(queries) == (2 if connection.vendor == "postgresql" else 4)
    with scopes_disabled():
        stored = AuditEntry.objects.get(pk=entry.pk)
        assert (stored.action, stored.actor_id, stored.data) == ("report.create", user.pk, {"by": "test"})
        assert stored.created_at == entry.created_at  # set on the instance as save() sets it
        assert Follow.objects.filter(user=user, object_id=entry.pk).count() == 1
    assert entry._state.adding is False


def test_when_one_row_is_refused_none_is_written():
    place, user = JurisdictionFactory(), UserFactory()
    rows.run([_follow(place, user, 7)])
    entry = AuditEntry(jurisdiction=place, actor=user, action="never")
    with pytest.raises(IntegrityError):
        rows.insert_with(entry, lambda: [_follow(place, user, 8), _follow(place, user, 7)])  # 7 is there already
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="never").exists()
        assert list(Follow.objects.values_list("object_id", flat=True)) == [7]
