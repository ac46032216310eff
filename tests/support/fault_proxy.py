#!/usr/bin/python3
"""A fault-injecting HTTP reverse proxy for tests, in front of one upstream server.

    fault_proxy.py --upstream http://127.0.0.1:PORT [--path-regex RE] [--times K]
                   [--drop-after BYTES] [--stall-after BYTES]
                   [--status CODE [--retry-after SECONDS]]
                   [--redirect-to-second-port] [--ignore-range] [--flip-last-byte]
                   [--content-type TYPE] [--exit-on-stdin-eof]

Listens on two ports on 127.0.0.1 and prints "PORT SECOND_PORT" as the first line of stdout.
Both forward every request to the upstream (method, path, the request headers: Host, Range,
Authorization, Accept, ..., and a body sent with Content-Length; chunked request bodies are not
supported) and stream the response back as it arrives.

Faults apply to the first K requests (--times, default 1) on the FIRST port whose path matches
--path-regex (re.search, default: every path) and, for a drop or stall, whose body is longer than
BYTES or of unknown length (a short blob cannot break off there, so it spends none of K); the
SECOND port always proxies cleanly:
  --drop-after BYTES     send the headers (with the full Content-Length) and BYTES of the body,
                         then close the connection
  --stall-after BYTES    send BYTES of the body, then send nothing more (for stall timeouts)
  --status CODE          answer CODE (e.g. 429, 503) with a registry-style JSON error body,
                         and "Retry-After: SECONDS" when --retry-after is given
Topology options, applied to every matching request (not limited by --times):
  --redirect-to-second-port   answer with 307 to the same path on the second port (a registry
                              handing blobs to object storage on another origin)
  --ignore-range              drop Range from forwarded requests (a server without Range
                              support: the upstream answers 200 with the whole body)
  --flip-last-byte            change the last byte of a response body of known length that
                              is at least 64 KiB (a layer, not a config): bytes that do not
                              match their digest
  --content-type TYPE         answer with this Content-Type (a registry that labels manifests
                              application/json)

GET /__stats on either port answers JSON counters (the /__stats requests not counted):
  {"requests": {"first": N, "second": N}, "range_requests": N, "faults_injected": N,
   "authorization": {"first": N, "second": N}}
"faults_injected" counts the faults of --times handed out (drops, stalls, statuses);
"range_requests" counts requests that arrived with a Range header (before --ignore-range);
"authorization" counts requests that arrived with an Authorization header, per port.

Exits on SIGTERM, and with --exit-on-stdin-eof also when its stdin reaches EOF.
"""
import argparse
import http.client
import re
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

from http_test_server import QuietServer, send_json, start_watchdog

CHUNK = 64 * 1024
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
              "trailer", "upgrade", "proxy-authenticate", "proxy-authorization"}
PORT_NAMES = ("first", "second")


class Stats:
    def __init__(self, times):
        self.lock = threading.Lock()
        self.faults_left = times
        self.faults_injected = 0
        self.requests = [0, 0]
        self.authorization = [0, 0]
        self.range_requests = 0

    def record(self, port, headers):
        with self.lock:
            self.requests[port] += 1
            self.authorization[port] += "Authorization" in headers
            self.range_requests += "Range" in headers

    def take_fault(self):
        with self.lock:
            if self.faults_left <= 0:
                return False
            self.faults_left -= 1
            self.faults_injected += 1
            return True

    def document(self):
        with self.lock:
            return {"requests": dict(zip(PORT_NAMES, self.requests)),
                    "range_requests": self.range_requests,
                    "faults_injected": self.faults_injected,
                    "authorization": dict(zip(PORT_NAMES, self.authorization))}


def make_handler(port_index, options, stats, ports):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass  # quiet: stdout carries the port line only

        def do_GET(self):
            self.dispatch()

        do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        def dispatch(self):
            if self.path == "/__stats":
                return send_json(self, 200, stats.document())
            stats.record(port_index, self.headers)
            matching = self.matching()
            if matching and options.redirect_to_second_port:
                location = "http://127.0.0.1:%d%s" % (ports[1], self.path)
                return send_json(self, 307, {}, {"Location": location})
            if matching and options.status:
                if stats.take_fault():
                    return self.send_fault_status()
            # A drop or stall is a fault only where the body is long enough for it to happen
            # (relay() takes it then): the --times budget is never spent on a short config blob.
            self.forward(bool(matching) and not options.status)

        def matching(self):
            return port_index == 0 and re.search(options.path_regex, self.path) is not None

        def send_fault_status(self):
            headers = {}
            if options.retry_after is not None:
                headers["Retry-After"] = str(options.retry_after)
            code = "TOOMANYREQUESTS" if options.status == 429 else "UNAVAILABLE"
            error = {"code": code, "message": "injected by fault_proxy"}
            send_json(self, options.status, {"errors": [error]}, headers)

        def forward(self, may_fault):
            length = int(self.headers.get("Content-Length", "0") or "0")
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            if options.ignore_range:
                headers = {k: v for k, v in headers.items() if k.lower() != "range"}
            upstream = http.client.HTTPConnection(options.upstream_host, options.upstream_port,
                                                  timeout=300)
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                self.relay(response, may_fault)
            finally:
                upstream.close()

        def relay(self, response, may_fault):
            self.send_response_only(response.status, response.reason)
            matching = self.matching()
            for name, value in response.getheaders():
                if matching and options.content_type and name.lower() == "content-type":
                    value = options.content_type
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            if response.getheader("Content-Length") is None and self.command != "HEAD":
                self.send_header("Connection", "close")  # the body ends when we close
                self.close_connection = True
            self.end_headers()
            expected = 0 if self.command == "HEAD" else int(response.getheader("Content-Length", 0))
            flip_at = expected - 1 if matching and options.flip_last_byte and expected >= 65536 else -1
            drop_after = stall_after = None
            limit = options.drop_after if options.drop_after is not None else options.stall_after
            long_enough = response.getheader("Content-Length") is None or expected > (limit or 0)
            if may_fault and limit is not None and long_enough and stats.take_fault():
                drop_after, stall_after = options.drop_after, options.stall_after
            else:
                limit = None
            sent = 0
            while True:
                try:
                    chunk = response.read(CHUNK)
                except (http.client.IncompleteRead, ConnectionError):
                    chunk = None
                if not chunk:
                    if chunk is None or sent < expected:
                        self.drop()  # the upstream broke off: so does this response
                    return
                if sent <= flip_at < sent + len(chunk):
                    at = flip_at - sent
                    chunk = chunk[:at] + bytes([chunk[at] ^ 0x01]) + chunk[at + 1:]
                if limit is not None and sent + len(chunk) >= limit:
                    self.wfile.write(chunk[:limit - sent])
                    self.wfile.flush()
                    return self.stall() if drop_after is None else self.drop()
                self.wfile.write(chunk)
                sent += len(chunk)

        def drop(self):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def stall(self):
            time.sleep(options.stall_seconds)
            self.drop()

    return Handler


def parse_options():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--upstream", required=True, help="http://HOST:PORT")
    parser.add_argument("--path-regex", default="")
    parser.add_argument("--times", type=int, default=1)
    parser.add_argument("--drop-after", type=int)
    parser.add_argument("--stall-after", type=int)
    parser.add_argument("--stall-seconds", type=float, default=600)
    parser.add_argument("--status", type=int)
    parser.add_argument("--retry-after")
    parser.add_argument("--redirect-to-second-port", action="store_true")
    parser.add_argument("--ignore-range", action="store_true")
    parser.add_argument("--flip-last-byte", action="store_true")
    parser.add_argument("--content-type")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    options = parser.parse_args()
    upstream = urllib.parse.urlsplit(options.upstream)
    if upstream.scheme != "http" or not upstream.hostname:
        parser.error("--upstream must be http://HOST:PORT")
    options.upstream_host, options.upstream_port = upstream.hostname, upstream.port or 80
    return options


def main():
    options = parse_options()
    stats = Stats(options.times)
    ports = []
    servers = []
    for index in range(2):
        server = QuietServer(("127.0.0.1", 0), make_handler(index, options, stats, ports))
        servers.append(server)
        ports.append(server.server_address[1])
    start_watchdog(options.exit_on_stdin_eof)
    threading.Thread(target=servers[1].serve_forever, daemon=True).start()
    print("%d %d" % tuple(ports), flush=True)
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
