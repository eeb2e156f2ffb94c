"""Fetching a remote file: the name is resolved once per hop and the connection goes to the checked address."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from plaza.data import fetching


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.path.split("to=", 1)[1])
            self.end_headers()
            return
        body = f"host={self.headers['Host']}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_port
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def dns(monkeypatch):
    """A fake resolver: each name answers with its next address in turn (the last one repeats); calls recorded."""
    answers: dict[str, list[str]] = {}
    calls: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        calls.append(host)
        queue = answers[host]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, calls


@pytest.fixture
def loopback_only(monkeypatch):
    """Loopback counts as public here (the test server listens there); every other private address is refused."""
    real = fetching.is_allowed_address
    monkeypatch.setattr(fetching, "is_allowed_address", lambda a: a.is_loopback or real(a))


def test_the_connection_goes_to_the_address_that_was_checked(server, dns, loopback_only):
    answers, calls = dns
    # A rebinding name: the check sees the (allowed) server, a second lookup would give a private address.
    answers["rebind.example"] = ["127.0.0.1", "10.0.0.7"]
    body = fetching.fetch(f"http://rebind.example:{server}/data.csv")
    assert body == f"host=rebind.example:{server}".encode()  # the Host header names the site, not the address
    assert calls == ["rebind.example"]  # resolved once


def test_a_name_resolving_to_a_private_address_is_refused_before_connecting(dns):
    answers, calls = dns
    answers["intranet.example"] = ["10.0.0.7"]
    with pytest.raises(ValidationError) as refused:
        fetching.fetch("http://intranet.example/secret")
    assert "private or local network" in str(refused.value)


def test_a_redirect_to_a_private_address_is_checked_again_and_refused(server, dns, loopback_only):
    answers, calls = dns
    answers["files.example"] = ["127.0.0.1"]
    answers["metadata.example"] = ["169.254.169.254"]
    with pytest.raises(ValidationError) as refused:
        fetching.fetch(f"http://files.example:{server}/redirect?to=http://metadata.example/latest/")
    assert "private or local network" in str(refused.value)
    assert calls == ["files.example", "metadata.example"]


def test_a_redirect_to_an_allowed_address_is_followed_by_name(server, dns, loopback_only):
    answers, calls = dns
    answers["files.example"] = ["127.0.0.1"]
    answers["mirror.example"] = ["127.0.0.1", "10.0.0.7"]
    body = fetching.fetch(f"http://files.example:{server}/redirect?to=http://mirror.example:{server}/x")
    assert body == f"host=mirror.example:{server}".encode()
    assert calls == ["files.example", "mirror.example"]


def test_a_literal_private_address_is_refused():
    with pytest.raises(ValidationError):
        fetching.check_public_url("http://127.0.0.1:8000/admin")
    with pytest.raises(ValidationError):
        fetching.check_public_url("http://[::1]/")


def test_https_presents_the_site_name_for_certificates():
    pinned, headers, extensions = fetching.pinned_request("https://data.example.org/a.csv?x=1", "93.184.216.34")
    assert pinned == "https://93.184.216.34:443/a.csv?x=1"
    assert headers == {"Host": "data.example.org"} and extensions == {"sni_hostname": "data.example.org"}
    pinned, headers, _ = fetching.pinned_request("http://data.example.org:8080/", "2001:db8::1")
    assert pinned == "http://[2001:db8::1]:8080/" and headers == {"Host": "data.example.org:8080"}
