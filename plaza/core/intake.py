"""The intake: hot API writes (a ballot) answered in front of Django's request handler, in WSGI itself.

`plaza.wsgi.application` is `Intake(<Django's WSGI handler>)`. For a bearer-token POST to one of the
addresses that components list as lean writes (`plaza.core.api.lean`), the intake reads the body from
the WSGI environment and hands it to the same lean handler that `LeanWriteMiddleware` would call — but
without what Django's handler does around every request and a lean write does not need: the request
object, the request_started/request_finished signals (each walks every database connection and
cache), URL resolution, the middleware chain and the response's close machinery. Under load that is
most of a lean write's Python time.

It changes nothing about the answers:

- the host is validated against ALLOWED_HOSTS as Django validates it, and SecurityMiddleware's
  redirect to HTTPS still applies (the request then goes on to Django); its response headers, which
  depend only on the settings and on whether the request is secure, are worked out once by
  SecurityMiddleware itself and added to every answer, as is the Server-Timing header when it is on;
- anything the lean handler does not answer — every refusal, a malformed body, an unknown token —
  goes on to Django unchanged: the body already read is handed back as the request's input, and the
  environment says the lean path was tried (so `LeanWriteMiddleware` does not try again);
- an exception in the handler (a lost database connection, say) is logged, the connection is
  dropped if it is unusable, and the request goes on to Django, which answers it as it answers any
  request. A lean handler writes in one atomic statement at its end, after every check: an
  exception can only come before its write or make the write fail as a whole, so nothing is
  written twice.

Django's test client does not go through WSGI, so tests reach the lean handlers through the
middleware; `votes/tests/test_intake.py` calls this application with WSGI environments.
"""

import io
import logging
import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.middleware.security import SecurityMiddleware

from plaza.core.api import lean

logger = logging.getLogger("plaza.intake")


def _no_response(request):  # SecurityMiddleware needs a get_response; the intake never calls it
    raise AssertionError("the intake answers or passes on; it never calls Django's chain from here")


class _Head(HttpRequest):
    """What Django's request says of the host and the scheme, read from the WSGI environment (no body, no query:
    HttpRequest's own __init__, which makes the empty GET, POST, COOKIES and FILES, is not needed)."""

    def __init__(self, environ: dict):  # noqa: PLW0231 - see the docstring
        self.META, self.method = environ, environ.get("REQUEST_METHOD")
        self.path = self.path_info = environ.get("PATH_INFO", "/")

    def _get_scheme(self) -> str:
        return self.META.get("wsgi.url_scheme", "http")


class Intake:
    """A WSGI application: lean writes answered here, every other request passed to `application`."""

    def __init__(self, application):
        self.application = application
        self.security = SecurityMiddleware(_no_response)
        self.timing = settings.PLAZA_SERVER_TIMING
        self._security_headers: dict[bool, list[tuple[str, str]]] = {}
        self._good_hosts: set[tuple] = set()

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and lean.bearer(environ.get("HTTP_AUTHORIZATION", "")):
            answered = self._lean(environ, start_response)
            if answered is not None:
                return answered
        return self.application(environ, start_response)

    def security_headers(self, head: HttpRequest) -> list[tuple[str, str]]:
        """The headers SecurityMiddleware adds to a response to a request like `head` (secure or not)."""
        secure = head.is_secure()
        if secure not in self._security_headers:
            response = self.security.process_response(head, HttpResponse())
            self._security_headers[secure] = [
                (name, value) for name, value in response.items() if name.lower() != "content-type"
            ]
        return self._security_headers[secure]

    def _check_host(self, head: _Head) -> None:
        """ALLOWED_HOSTS, as Django checks it (DisallowedHost), for each different host once: the hosts found
        good are kept (a few: the site's names), a bad one is checked every time."""
        meta = head.META
        key = (meta.get("HTTP_X_FORWARDED_HOST"), meta.get("HTTP_HOST"), meta.get("SERVER_NAME"))
        key += (meta.get("SERVER_PORT"),)
        if key not in self._good_hosts:
            head.get_host()
            if len(self._good_hosts) < 64:
                self._good_hosts.add(key)

    def _lean(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        write = lean.find_write("POST", path)
        if write is None:
            return None
        started, cpu_started = time.perf_counter(), time.thread_time()
        head, body, payload = _Head(environ), b"", None
        try:
            self._check_host(head)
            if self.security.process_request(head) is None:  # else a redirect to HTTPS: Django's to answer
                body = self._body(environ)
                if body is not None:
                    json_body = lean.parse_json(body) if lean.is_json(environ.get("CONTENT_TYPE", "")) else None
                    payload = lean.answer(write, environ["HTTP_AUTHORIZATION"], json_body)
        except DisallowedHost:
            payload = None
        except Exception:  # noqa: BLE001 - whatever it was, Django answers the request as it answers any
            logger.exception("The lean write path failed; the request goes on to Django.")
            for connection in connections.all(initialized_only=True):  # as close_old_connections, outside atomic blocks
                if not connection.in_atomic_block:
                    connection.close_if_unusable_or_obsolete()
            payload = None
        environ[lean.LEAN_TRIED] = True
        if body:  # the body was read: Django reads it again from here
            environ["wsgi.input"] = io.BytesIO(body)
        if payload is None:  # not the lean path's answer: Django's to give
            return None
        content = lean.answer_body(payload)
        headers = [*lean.ANSWER_HEADERS, *self.security_headers(head), ("Content-Length", str(len(content)))]
        if self.timing:
            app = (time.perf_counter() - started) * 1000
            cpu = (time.thread_time() - cpu_started) * 1000
            headers.append(("Server-Timing", f"app;dur={app:.1f}, cpu;dur={cpu:.1f}"))
        start_response("201 Created", headers)
        return [content]

    @staticmethod
    def _body(environ) -> bytes | None:
        """The request's body, read whole; None (and nothing read) when it is larger than Django accepts."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length < 0 or (limit is not None and length > limit):
            return None
        return environ["wsgi.input"].read(length) if length else b""
