#!/usr/bin/python3
"""A static file server for tests: serves a directory over HTTP/1.1 with Range support.

    static_file_server.py --root DIR [--error-style registry|docker]
                          [--require-auth-env VAR] [--exit-on-stdin-eof]
                          [--tls-cert PEM --tls-key PEM] [--unix-socket PATH]

Binds 127.0.0.1 on a free port and prints that port as the first line of stdout (with
--unix-socket it listens on PATH instead and prints PATH). --tls-cert/--tls-key serve HTTPS
with that certificate chain and key. Exits on
SIGTERM, and with --exit-on-stdin-eof also when its stdin reaches EOF (the test process that
started it has gone, even if it could not kill it).

  GET/HEAD /PATH            the file ROOT/PATH; "Range: bytes=N-" or "bytes=N-M" gives a 206
                            with Content-Range, an unsatisfiable range a 416.
  missing file              404 with a registry-style JSON error
                            {"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}
                            or, with --error-style docker, {"message":"No such image: PATH"}
  /__redirect/N/PATH        302 to "../N-1/PATH" (relative), and at N=0 to "/PATH"
  /__echo (any method)      200 with JSON {"method","path","headers" (names lower-cased),"body"}
  --require-auth-env VAR    every request (but /__echo) must carry "Authorization: " + $VAR,
                            else 401 with a WWW-Authenticate challenge and code UNAUTHORIZED
                            (the expected value comes through the environment, not argv).
"""
import argparse
import os
import re
import ssl
from http.server import BaseHTTPRequestHandler

from http_test_server import QuietServer, QuietUnixServer, send_json, start_watchdog

CHUNK = 64 * 1024


def parse_range(value, size):
    """(first, last) for a single "bytes=N-" / "bytes=N-M" range, "bad" if unsatisfiable."""
    match = re.fullmatch(r"bytes=(\d+)-(\d*)", value.strip())
    if not match:
        return None  # not a form we serve: ignore it and send the whole file
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else size - 1
    if first >= size or last < first:
        return "bad"
    return first, min(last, size - 1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    options = None

    def log_message(self, *args):
        pass  # quiet: stdout carries the port line only

    def do_GET(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def dispatch(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or "0"))
        if self.path.split("?")[0] == "/__echo":
            return self.echo(body)
        if not self.authorized():
            error = {"code": "UNAUTHORIZED", "message": "authentication required"}
            challenge = {"WWW-Authenticate": 'Bearer realm="strata-test"'}
            return send_json(self, 401, {"errors": [error]}, challenge)
        redirect = re.fullmatch(r"/__redirect/(\d+)/(.*)", self.path)
        if redirect:
            hops, rest = int(redirect.group(1)), redirect.group(2)
            target = "/" + rest if hops == 0 else "../%d/%s" % (hops - 1, rest)
            return send_json(self, 302, {}, {"Location": target})
        self.send_file()

    def authorized(self):
        variable = self.options.require_auth_env
        if not variable:
            return True
        return self.headers.get("Authorization") == os.environ.get(variable)

    def echo(self, body):
        send_json(self, 200, {"method": self.command, "path": self.path,
                             "headers": {k.lower(): v for k, v in self.headers.items()},
                             "body": body.decode("utf-8", "replace")})

    def send_missing(self, relative):
        if self.options.error_style == "docker":
            return send_json(self, 404, {"message": "No such image: " + relative})
        send_json(self, 404, {"errors": [{"code": "BLOB_UNKNOWN",
                                         "message": "blob unknown to registry"}]})

    def send_file(self):
        relative = self.path.split("?")[0].lstrip("/")
        path = os.path.realpath(os.path.join(self.options.root, relative))
        if not path.startswith(self.options.root + os.sep) or not os.path.isfile(path):
            return self.send_missing(relative)
        size = os.path.getsize(path)
        first, last, status = 0, size - 1, 200
        wanted = parse_range(self.headers.get("Range", ""), size) if "Range" in self.headers else None
        if wanted == "bad":
            return send_json(self, 416, {}, {"Content-Range": "bytes */%d" % size})
        if wanted:
            (first, last), status = wanted, 206
        self.send_response(status)
        self.send_header("Content-Length", str(last - first + 1))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (first, last, size))
        self.end_headers()
        if self.command != "HEAD":
            self.copy(path, first, last - first + 1)

    def copy(self, path, offset, length):
        with open(path, "rb") as f:
            f.seek(offset)
            while length > 0:
                chunk = f.read(min(CHUNK, length))
                if not chunk:
                    break
                self.wfile.write(chunk)
                length -= len(chunk)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--error-style", choices=["registry", "docker"], default="registry")
    parser.add_argument("--require-auth-env", default="")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--unix-socket")
    options = parser.parse_args()
    options.root = os.path.realpath(options.root)
    Handler.options = options
    if options.unix_socket:
        server = QuietUnixServer(options.unix_socket, Handler)
        bound = options.unix_socket
    else:
        server = QuietServer(("127.0.0.1", 0), Handler)
        bound = server.server_address[1]
    if options.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.tls_cert, options.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    start_watchdog(options.exit_on_stdin_eof)
    print(bound, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
