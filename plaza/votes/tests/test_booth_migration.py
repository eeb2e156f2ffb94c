"""Votations' booths and their officers' totals move to core's tables (migrations 0007–0009), every row kept, each
booth ballot still at its booth; and back again."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("votes", "0006_access_code_by_sms")]
UNCONSTRAINED = [("votes", "0007_ballot_booth_unconstrained")]
AFTER = [("votes", "0009_booths_leave_votes")]


def _migrate(votes_target):
    """Votes at `votes_target`, core at its newest (as the database is): the models as they are then."""
    executor = MigrationExecutor(connection)
    targets = votes_target + [node for node in executor.loader.graph.leaf_nodes() if node[0] == "core"]
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_booths_and_totals_move_to_core_and_back_keeping_every_row():
    try:
        old = _migrate(BEFORE)
        jurisdiction = old.get_model("core", "Jurisdiction")._base_manager.create(slug="lyon", name="Lyon")
        officer = old.get_model("core", "User")._base_manager.create(email="officer@lyon.example")
        votations = old.get_model("votes", "Votation")._base_manager
        opens, closes = datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 5, 9, tzinfo=UTC)
        first, second = (
            votations.create(jurisdiction=jurisdiction, slug=slug, title=slug, opens_at=opens, closes_at=closes)
            for slug in ("tram", "park")
        )
        booths = old.get_model("votes", "Booth")._base_manager
        gone = booths.create(jurisdiction=jurisdiction, votation=first, name="Closed school")
        hall = booths.create(jurisdiction=jurisdiction, votation=first, name="Town hall")
        library = booths.create(jurisdiction=jurisdiction, votation=second, name="Library")
        gone.delete()  # a gap in the old ids, so that new ids are not the old ones
        ballots = old.get_model("votes", "Ballot")._base_manager
        for n, booth in enumerate([hall, hall, library, None]):
            ballots.create(
                jurisdiction=jurisdiction,
                votation=booth.votation if booth else second,
                answers={"q1": ["yes"]},
                receipt_hash=f"{n:064d}",
                cast_at=opens,
                channel="booth" if booth else "online",
                booth=booth,
            )
        tallies = old.get_model("votes", "BoothTally")._base_manager
        tally = tallies.create(
            jurisdiction=jurisdiction, booth=hall, day=date(2026, 5, 1), count=3, reported_by=officer
        )
        reported_at = datetime(2026, 5, 1, 20, tzinfo=UTC)
        tallies.filter(pk=tally.pk).update(reported_at=reported_at)
        tallies.create(jurisdiction=jurisdiction, booth=library, day=date(2026, 5, 2), count=1)

        # Another election's booth already in core (a budget's), so that the votations' booths get other ids.
        between = _migrate(UNCONSTRAINED)
        between.get_model("core", "Booth")._base_manager.create(
            jurisdiction_id=jurisdiction.pk, election_key="budgets.budget:1", name="Town hall"
        )

        new = _migrate(AFTER)
        moved = new.get_model("core", "Booth")._base_manager
        by_ballot = {
            b.receipt_hash[-1]: (b.booth.election_key, b.booth.name) if b.booth else None
            for b in new.get_model("votes", "Ballot")._base_manager.select_related("booth")
        }
        assert by_ballot == {
            "0": (f"votes.votation:{first.pk}", "Town hall"),
            "1": (f"votes.votation:{first.pk}", "Town hall"),
            "2": (f"votes.votation:{second.pk}", "Library"),
            "3": None,
        }
        totals = new.get_model("core", "BoothTotal")._base_manager.select_related("booth").order_by("day")
        assert [(t.booth.name, t.day, t.count, t.reported_by_id) for t in totals] == [
            ("Town hall", date(2026, 5, 1), 3, officer.pk),
            ("Library", date(2026, 5, 2), 1, None),
        ]
        assert totals[0].reported_at == reported_at
        assert moved.count() == 3
        assert not {"votes_booth", "votes_boothtally"} & set(connection.introspection.table_names())

        back = _migrate(BEFORE)
        restored = back.get_model("votes", "Ballot")._base_manager.select_related("booth__votation")
        assert sorted((b.booth.votation.slug, b.booth.name) if b.booth else ("", "") for b in restored) == [
            ("", ""),
            ("park", "Library"),
            ("tram", "Town hall"),
            ("tram", "Town hall"),
        ]
        tallies = back.get_model("votes", "BoothTally")._base_manager.order_by("day")
        assert [(t.booth.name, t.count, t.reported_at) for t in tallies][0] == ("Town hall", 3, reported_at)
        assert list(back.get_model("core", "Booth")._base_manager.values_list("election_key", flat=True)) == [
            "budgets.budget:1"
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
