"""Kept pieces of pages (core/fragments.py): rendered once per version, language and vary; a change retires them."""

import pytest
from django.db import transaction
from django.utils import translation

from plaza.core import fragments

pytestmark = pytest.mark.django_db


def _counting():
    calls = []

    def render() -> str:
        calls.append(1)
        return f"<p>piece {len(calls)} in {translation.get_language()}</p>"

    return calls, render


def test_a_piece_is_rendered_once_per_language_and_vary_and_again_after_a_change():
    calls, render = _counting()
    first = fragments.cached("t", "p", (1,), render)
    assert first.startswith("<p>piece 1 in ") and first == fragments.cached("t", "p", (1,), render)
    assert len(calls) == 1
    fragments.cached("t", "p", (2,), render)
    with translation.override("fr"):
        assert "in fr" in fragments.cached("t", "p", (1,), render)
    assert len(calls) == 3
    fragments.cached("other-topic", "p", (1,), render)
    assert len(calls) == 4
    fragments.changed("t")
    assert fragments.cached("t", "p", (1,), render) != first and len(calls) == 5
    fragments.cached("other-topic", "p", (1,), render)
    assert len(calls) == 5  # another topic's pieces stay


def test_a_change_in_a_transaction_bumps_at_once_and_once_more_at_commit(django_capture_on_commit_callbacks):
    before = fragments.version("t")
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        fragments.changed("t")
        during = fragments.version("t")
        fragments.changed("t")
        fragments.changed("t")
    assert during != before
    assert len(callbacks) == 1  # many changes, one bump waiting for the commit
    callbacks[0]()
    assert fragments.version("t") not in (before, during)


def test_a_rolled_back_change_leaves_the_next_one_its_own_commit_bump(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                fragments.changed("t")
                raise RuntimeError
        except RuntimeError:
            pass
        fragments.changed("t")
    assert len(callbacks) == 1
