"""The intake: hot API writes (a ballot) answered in front of Django's request handler, in WSGI itself.

`plaza.wsgi.application` is `Intake(<Django's WSGI handler>)`. For a bearer-token POST to one of the
addresses that components list as lean writes (`plaza.core.api.lean`), the intake builds Django's own
request object from the WSGI environment and hands it to the same lean handler that
`LeanWriteMiddleware` would call — but without what Django's handler does around every request and
a ballot does not need: the request_started/request_finished signals (each walks every database
connection and cache), URL resolution, the middleware chain and the response's close machinery.
Under load that is most of a lean write's Python time.

It changes nothing about the answers:

- the host is validated against ALLOWED_HOSTS and SecurityMiddleware still runs (its redirect to
  HTTPS sends the request on to Django; its response headers are added), as does the Server-Timing
  header when it is on;
- anything the lean handler does not answer — every refusal, a malformed body, an unknown token —
  goes on to Django unchanged: the body already read is handed back as the request's input, the
  environment says the lean path was tried (so `LeanWriteMiddleware` does not try again) and that
  the request was already counted in its rate window;
- an exception in the handler (a lost database connection, say) is logged, the connection is
  dropped if it is unusable, and the request goes on to Django, which answers it as it answers any
  request. A lean handler writes in one atomic statement at its end, after every check: an
  exception can only come before its write or make the write fail as a whole, so nothing is
  written twice.

Django's test client does not go through WSGI, so tests reach the lean handlers through the
middleware; `core/tests/test_intake.py` calls this application with WSGI environments.
"""

import io
import logging
import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections
from django.middleware.security import SecurityMiddleware

from plaza.core.api import lean
from plaza.core.api.throttling import RATE_COUNTED

logger = logging.getLogger("plaza.intake")


def _no_response(request):  # SecurityMiddleware needs a get_response; the intake never calls it
    raise AssertionError("the intake answers or passes on; it never calls Django's chain from here")


class Intake:
    """A WSGI application: lean writes answered here, every other request passed to `application`."""

    def __init__(self, application):
        self.application = application
        self.security = SecurityMiddleware(_no_response)
        self.timing = settings.PLAZA_SERVER_TIMING

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer ":
            answered = self._lean(environ, start_response)
            if answered is not None:
                return answered
        return self.application(environ, start_response)

    def _lean(self, environ, start_response):
        if lean.find_write(environ.get("PATH_INFO", "")) is None:
            return None
        started, cpu_started = time.perf_counter(), time.thread_time()
        request = WSGIRequest(environ)
        try:
            request.get_host()  # ALLOWED_HOSTS, as Django checks it
            response = self.security.process_request(request) or lean.dispatch(request)
        except DisallowedHost:
            response = None
        except Exception:  # noqa: BLE001 - whatever it was, Django answers the request as it answers any
            logger.exception("The lean write path failed; the request goes on to Django.")
            for connection in connections.all(initialized_only=True):  # as close_old_connections, outside atomic blocks
                if not connection.in_atomic_block:
                    connection.close_if_unusable_or_obsolete()
            response = None
        environ[lean.LEAN_TRIED] = True
        if response is None or response.status_code != 201:  # not the lean path's answer: Django's to give
            if hasattr(request, "_body"):  # the body was read: Django reads it again from here
                environ["wsgi.input"] = io.BytesIO(request._body)
            if "plaza_rate_allowed" in request.__dict__:
                environ[RATE_COUNTED] = request.plaza_rate_allowed
            return None
        response = self.security.process_response(request, response)
        if self.timing:
            app = (time.perf_counter() - started) * 1000
            cpu = (time.thread_time() - cpu_started) * 1000
            response["Server-Timing"] = f"app;dur={app:.1f}, cpu;dur={cpu:.1f}"
        status = f"{response.status_code} {response.reason_phrase}"
        start_response(status, [*response.items(), ("Content-Length", str(len(response.content)))])
        return [response.content]
