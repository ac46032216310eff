"""Pieces shared by the python3 test servers here (static_file_server.py, fault_proxy.py,
auth_test_server.py, token_server.py).

    from http_test_server import QuietServer, QuietUnixServer, send_json, start_watchdog

Stdlib only. A script in this directory finds this module because Python puts the script's own
directory first on sys.path.
"""
import json
import os
import signal
import socketserver
import sys
import threading
from http.server import ThreadingHTTPServer


class _Quiet:
    """Threads that die with the process; a client hanging up mid-response is not an error."""
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class QuietServer(_Quiet, ThreadingHTTPServer):
    """A threading HTTP server on a TCP address."""


class QuietUnixServer(_Quiet, socketserver.ThreadingUnixStreamServer):
    """A threading HTTP server on a unix socket path (as the Docker API listens)."""


def send_json(handler, status, document, headers=None):
    """Answers `handler`'s request with `document` as JSON (no body for HEAD)."""
    data = json.dumps(document).encode()
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(data)


def _exit_when_stdin_closes():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def start_watchdog(exit_on_stdin_eof):
    """Exit at once on SIGTERM; with exit_on_stdin_eof also when stdin reaches EOF (the test
    process that started the server has gone, even if it could not kill it)."""
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if exit_on_stdin_eof:
        threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
