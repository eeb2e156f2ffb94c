"""The Server-Timing header: how long the server spent on a response, and how much of it was CPU and SQL.

On with ``PLAZA_SERVER_TIMING`` (the default in development; off in production unless asked for, e.g. by
the benchmarks, which read it to tell the server's own time from the time a request waited in queues).
Browsers' developer tools show it. Values are milliseconds: ``app`` (wall clock inside Django), ``cpu``
(this thread's CPU time), ``db`` (wall clock of the SQL statements, and how many there were).
"""

import time

from django.conf import settings
from django.db import connection


class _SqlClock:
    def __init__(self):
        self.seconds = 0.0
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.statements += 1


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.PLAZA_SERVER_TIMING

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        start, cpu_start, sql = time.perf_counter(), time.thread_time(), _SqlClock()
        with connection.execute_wrapper(sql):
            response = self.get_response(request)
        app = (time.perf_counter() - start) * 1000
        cpu = (time.thread_time() - cpu_start) * 1000
        response["Server-Timing"] = (
            f'app;dur={app:.1f}, cpu;dur={cpu:.1f}, db;dur={sql.seconds * 1000:.1f};desc="{sql.statements} SQL"'
        )
        return response


def server_milliseconds(header: str) -> float | None:
    """The `app` duration of a Server-Timing header (for clients such as the benchmarks), or None."""
    for metric in header.split(","):
        name, _sep, rest = metric.strip().partition(";")
        if name == "app":
            for parameter in rest.split(";"):
                key, _eq, value = parameter.partition("=")
                if key.strip() == "dur":
                    try:
                        return float(value)
                    except ValueError:
                        return None
    return None
