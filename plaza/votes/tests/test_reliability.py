"""Exactly once on PostgreSQL: 200 concurrent casts for one person, and a server killed mid-burst then restarted.

Both need PostgreSQL's concurrent transactions (SQLite serialises writers) and are skipped elsewhere.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django_scopes import scopes_disabled

from plaza.core.models import ApiToken
from plaza.core.roll import VoterRollEntry
from plaza.core.tenancy import jurisdiction_scope
from plaza.core.tests.factories import (
    ApiTokenFactory,
    CensusRecordFactory,
    PersonFactory,
    UserFactory,
    VerificationFactory,
)
from plaza.votes import queries
from plaza.votes.models import Ballot
from plaza.votes.operations import cast_at_booth, cast_online, cast_with_code, hand_over_code
from plaza.votes.receipts import receipt_hash
from plaza.votes.tests.conftest import DOCUMENT

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("The races need PostgreSQL's concurrent transactions (SQLite serialises every writer).")


def counts(jurisdiction):
    with jurisdiction_scope(jurisdiction):
        return Ballot.objects.count(), VoterRollEntry.objects.count()


# 50 threads (PostgreSQL here allows 100 connections, shared with other test runs) each make 4
# attempts: the first 50 start together on a barrier, 200 casts in all.
THREADS, ATTEMPTS_EACH = 50, 4


def test_200_concurrent_casts_for_one_person_through_accounts_booth_and_code_leave_one_ballot(
    paris, votation, booth, voter_person, officer
):
    with scopes_disabled():
        accounts = [
            VerificationFactory(jurisdiction=paris, person=voter_person, user=UserFactory()).user for _ in "abcd"
        ]
    code = hand_over_code(officer=officer, votation=votation, **DOCUMENT)
    channels = [
        *[lambda user=user: cast_online(actor=user, votation=votation, answers={"q1": ["yes"]}) for user in accounts],
        lambda: cast_at_booth(officer=officer, votation=votation, booth=booth, answers={"q1": ["no"]}, **DOCUMENT),
        lambda: cast_with_code(
            votation=votation, document_id=DOCUMENT["document_id"], code=code, answers={"q1": ["abstain"]}, client="t"
        ),
    ]
    start = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def run(n: int) -> None:
        try:
            start.wait()
            for attempt in range(ATTEMPTS_EACH):
                try:
                    channels[(n + attempt) % len(channels)]()
                    outcomes.append("cast")
                except ValidationError as refused:
                    codes = (
                        {getattr(e, "code", None) for e in refused.error_list}
                        if hasattr(refused, "error_list")
                        else set()
                    )
                    outcomes.append(
                        "refused" if refused.code == "already_voted" or "already_voted" in codes else "code"
                    )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == THREADS * ATTEMPTS_EACH == 200
    assert outcomes.count("cast") == 1
    # Every other attempt was refused: as a second vote, or (the spent or racing one-time code) as not valid.
    assert outcomes.count("refused") + outcomes.count("code") == 199
    assert counts(paris) == (1, 1)


# --- A live server killed mid-burst -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(database_url: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env |= {"DATABASE_URL": database_url, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "PLAZA_API_RATE": "100000/m"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "plaza.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--threads", "4", "--log-level", "error"],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: the kill takes the master and its workers at once
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("gunicorn did not answer /healthz in time")


def _kill(server: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


VOTERS = 240
ANSWERS = ("yes", "no", "abstain")


def test_a_server_killed_mid_burst_loses_no_acknowledged_ballot_and_counts_none_twice(paris, votation):
    with scopes_disabled():
        voters = []
        for _n in range(VOTERS):
            person = PersonFactory(jurisdiction=paris, census_record=CensusRecordFactory(jurisdiction=paris))
            user = VerificationFactory(jurisdiction=paris, person=person).user
            voters.append(ApiTokenFactory(user=user, scope=ApiToken.Scope.WRITE).secret)
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@{settings_dict['HOST'] or '127.0.0.1'}"
        f":{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    connections.close_all()  # the server's workers and this test share the test database
    server, base = _start_server(database_url)
    acknowledged: dict[int, str] = {}  # voter index -> receipt code the voter was shown
    lock = threading.Lock()

    def cast(n: int, url: str) -> int | None:
        try:
            answer = httpx.post(
                f"{url}/api/v1/votes/paris/votations/{votation.slug}/ballot",
                json={"answers": {"q1": [ANSWERS[n % 3]]}},
                headers={"Authorization": f"Bearer {voters[n]}"},
                timeout=20,
            )
        except httpx.HTTPError:
            return None  # the server died under this request: nothing acknowledged
        if answer.status_code == 201:
            with lock:
                acknowledged[n] = answer.json()["receipt"]
        return answer.status_code

    def killer() -> None:
        while len(acknowledged) < VOTERS // 3:
            time.sleep(0.005)
        _kill(server)

    try:
        watcher = threading.Thread(target=killer)
        watcher.start()
        with ThreadPoolExecutor(max_workers=16) as pool:
            first = list(pool.map(lambda n: cast(n, base), range(VOTERS)))
        watcher.join(timeout=60)
        lost = [n for n, status in enumerate(first) if status != 201]
        assert VOTERS // 3 <= len(acknowledged) < VOTERS and lost, "the kill must land mid-burst"
        server, base = _start_server(database_url)
        # Voters who saw no receipt try again: either the first try never committed (201 now),
        # or it committed before the kill and the roll refuses a second ballot (422).
        with ThreadPoolExecutor(max_workers=8) as pool:
            retried = list(pool.map(lambda n: cast(n, base), lost))
        assert set(retried) <= {201, 422}
    finally:
        _kill(server)
    with jurisdiction_scope(paris):
        hashes = list(Ballot.objects.values_list("receipt_hash", flat=True))
        for n, code in acknowledged.items():  # every acknowledged ballot is there, as cast
            assert Ballot.objects.get(receipt_hash=receipt_hash(code)).answers == {"q1": [ANSWERS[n % 3]]}
        results = queries.results_of(votation).as_dict()
    assert len(hashes) == len(set(hashes)) == VOTERS  # everyone counted, nobody twice
    assert counts(paris) == (VOTERS, VOTERS)
    expected = {key: sum(1 for n in range(VOTERS) if ANSWERS[n % 3] == key) for key in ANSWERS}
    assert {o["key"]: o["count"] for o in results["questions"][0]["options"]} == expected
