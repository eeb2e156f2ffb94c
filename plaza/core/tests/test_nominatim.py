"""The Nominatim backend, against a fake Nominatim HTTP server started in the test (real HTTP, no mocks)."""

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from plaza.core.geo import Point
from plaza.core.geocoding import geocode
from plaza.core.operations.gazetteer import import_gazetteer

PLACES = {
    "gran via 1": [
        {"lat": "40.4197", "lon": "-3.7016", "display_name": "Gran Vía 1, Centro, Madrid, 28013, España"},
    ],
    "calle mayor 5": [
        {"lat": "40.4160", "lon": "-3.7074", "display_name": "Calle Mayor 5, Madrid"},
        {"lat": "40.3230", "lon": "-3.8710", "display_name": "Calle Mayor 5, Alcorcón"},
    ],
}


class FakeNominatim(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        FakeNominatim.seen.append((url.path, query, self.headers.get("User-Agent")))
        text = query.get("q", "").lower()
        if text == "slow street 1":
            time.sleep(1.5)
        if text == "broken street 1":
            return self._answer(500, b"Internal error")
        if text == "garbled street 1":
            return self._answer(200, b"<html>not json</html>")
        self._answer(200, json.dumps(PLACES.get(text, [])).encode())

    def _answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeNominatim.seen = []
    settings.PLAZA_NOMINATIM_URL = f"http://127.0.0.1:{server.server_address[1]}/"
    settings.PLAZA_NOMINATIM_USER_AGENT = "Plaza tests (ops@plaza.example)"
    settings.PLAZA_NOMINATIM_TIMEOUT = 0.5
    yield FakeNominatim
    server.shutdown()
    server.server_close()


def test_an_address_the_gazetteer_does_not_know_is_asked_of_nominatim(madrid, nominatim):
    madrid.latitude, madrid.longitude = 40.4168, -3.7038
    found = geocode(madrid, "Gran Via 1")
    assert found.single.label == "Gran Vía 1, Centro, Madrid, 28013, España"
    assert found.single.point == Point(40.4197, -3.7016) and found.single.source == "nominatim"
    path, query, agent = nominatim.seen[0]
    assert path == "/search" and agent == "Plaza tests (ops@plaza.example)"
    assert query["q"] == "Gran Via 1" and query["format"] == "jsonv2" and query["bounded"] == "1"
    left, top, right, bottom = map(float, query["viewbox"].split(","))
    assert left < -3.7038 < right and bottom < 40.4168 < top


def test_several_places_are_candidates_and_answers_are_cached(madrid, nominatim):
    assert len(geocode(madrid, "Calle Mayor 5").candidates) == 2
    assert len(geocode(madrid, "Calle Mayor 5").candidates) == 2
    assert len(nominatim.seen) == 1


def test_the_gazetteer_answers_first(madrid, madrid_admin, nominatim):
    csv = b"LON,LAT,NUMBER,STREET,CITY,POSTCODE\n-3.7016,40.4197,1,Gran Via,Madrid,28013\n"
    import_gazetteer(actor=madrid_admin, jurisdiction=madrid, file_name="m.csv", stream=io.BytesIO(csv))
    assert geocode(madrid, "gran vía 1").single.source == "gazetteer"
    assert nominatim.seen == []


@pytest.mark.parametrize("typed", ["Slow Street 1", "Broken Street 1", "Garbled Street 1"])
def test_a_failing_service_is_not_found_with_a_message(madrid, nominatim, typed):
    found = geocode(madrid, typed)
    assert found.candidates == []
    assert f"The address service did not answer, so we could not look “{typed}” up" in found.message


def test_nothing_found_says_so(madrid, nominatim):
    found = geocode(madrid, "Nowhere Lane 99")
    assert found.candidates == [] and "could not find “Nowhere Lane 99”" in found.message


def test_an_unreachable_service_is_not_found_with_a_message(madrid, settings):
    settings.PLAZA_NOMINATIM_URL = "http://127.0.0.1:9/"  # discard port: nothing listens
    assert "did not answer" in geocode(madrid, "Gran Via 1").message
