#!/usr/bin/python3
"""A registry that only checks authorization, and its token server, for RegistryAuth's tests.

    auth_test_server.py --mode basic|bearer|negotiate [--ttl SECONDS] [--advertised-ttl SECONDS]
                        [--anonymous-pull] [--deny REPO] [--token-delay MS]
                        [--token-field both|token|access_token|none] [--exit-on-stdin-eof]

Secrets come through the environment, never argv: AUTH_USERS="user:password,..." and
AUTH_REFRESH_TOKEN (the identity token POST /token accepts). Binds 127.0.0.1 on a free port and
prints the port as the first line of stdout. Exits on SIGTERM.

  GET /v2/NAME/(manifests|blobs|tags)/...  200 "ok NAME" when authorized, else 401 with the
                       challenge of --mode (bearer: realm=http://127.0.0.1:PORT/token,
                       service="test-registry", scope="repository:NAME:pull").
  GET /v2/             200 when authorized (bearer: any valid token), else 401.
  GET /token           ?service=test-registry&scope=...; Basic credentials checked against
                       AUTH_USERS; anonymous only with --anonymous-pull. Tokens are random and
                       stop working after --ttl seconds; expires_in says --advertised-ttl
                       (default: --ttl). A token for a --deny repository grants nothing.
  POST /token          grant_type=refresh_token&refresh_token=$AUTH_REFRESH_TOKEN&client_id=...
  GET /__stats         {"issued": {scope: n}, "gets": n, "posts": n, "rejected": n,
                        "accounts": [...], "client_ids": [...], "registry_401": n,
                        "scope_lists": [[the scope parameters of each GET /token], ...]}
"""
import argparse
import base64
import os
import re
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

from http_test_server import QuietServer, send_json, start_watchdog

SERVICE = "test-registry"
REPO_PATH = re.compile(r"^/v2/(.+)/(manifests|blobs|tags)/")


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.tokens = {}  # token -> (scope, expiry on the monotonic clock)
        self.stats = {"issued": {}, "gets": 0, "posts": 0, "rejected": 0, "accounts": [],
                      "client_ids": [], "registry_401": 0, "scope_lists": []}


def parse_users(text):
    users = {}
    for entry in filter(None, (text or "").split(",")):
        name, _, password = entry.partition(":")
        users[name] = password
    return users


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    options = None
    state = None
    users = {}
    refresh_token = ""

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/__stats":
            with self.state.lock:
                send_json(self, 200, self.state.stats)
        elif path == "/token":
            self.token_get()
        elif path.startswith("/v2/"):
            self.registry(path)
        else:
            send_json(self, 404, {"errors": [{"code": "NOT_FOUND"}]})

    def do_POST(self):
        if urllib.parse.urlsplit(self.path).path != "/token":
            send_json(self, 404, {"errors": [{"code": "NOT_FOUND"}]})
            return
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        with self.state.lock:
            self.state.stats["posts"] += 1
            self.state.stats["client_ids"] += form.get("client_id", [""])
        ok = (form.get("grant_type") == ["refresh_token"] and self.refresh_token
              and form.get("refresh_token") == [self.refresh_token]
              and form.get("service") == [SERVICE])
        if not ok:
            self.reject()
            return
        self.issue(form.get("scope", [""])[0])

    # --- token server

    def basic_user(self):
        """(present, valid) for the request's Basic credentials."""
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False, False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return True, False
        return True, user in self.users and self.users[user] == password

    def token_get(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        with self.state.lock:
            self.state.stats["gets"] += 1
            self.state.stats["accounts"] += query.get("account", [])
            self.state.stats["scope_lists"].append(query.get("scope", []))
        present, valid = self.basic_user()
        allowed = valid if present else self.options.anonymous_pull
        if not allowed or query.get("service") != [SERVICE]:
            self.reject()
            return
        self.issue(query.get("scope", [""])[0])

    def reject(self):
        with self.state.lock:
            self.state.stats["rejected"] += 1
        send_json(self, 401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})

    def issue(self, scope):
        time.sleep(self.options.token_delay / 1000)
        token = secrets.token_hex(16)
        with self.state.lock:
            self.state.tokens[token] = (scope, time.monotonic() + self.options.ttl)
            issued = self.state.stats["issued"]
            issued[scope] = issued.get(scope, 0) + 1
        answer = {"issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        if self.options.advertised_ttl > 0:
            answer["expires_in"] = self.options.advertised_ttl
        if self.options.token_field in ("both", "token"):
            answer["token"] = token
        if self.options.token_field in ("both", "access_token"):
            answer["access_token"] = token
        send_json(self, 200, answer)

    # --- registry

    def authorized(self, repo):
        header = self.headers.get("Authorization", "")
        if self.options.mode == "basic":
            return self.basic_user()[1]
        if self.options.mode != "bearer" or not header.startswith("Bearer "):
            return False
        with self.state.lock:
            scope, expiry = self.state.tokens.get(header[7:], (None, 0))
        if scope is None or time.monotonic() >= expiry:
            return False
        if repo is None:
            return True
        return repo not in self.options.deny and scope == "repository:%s:pull" % repo

    def registry(self, path):
        match = REPO_PATH.match(path)
        repo = match.group(1) if match else None
        if self.authorized(repo):
            data = ("ok %s" % repo).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        with self.state.lock:
            self.state.stats["registry_401"] += 1
        send_json(self, 401, {"errors": [{"code": "UNAUTHORIZED"}]},
                  {"WWW-Authenticate": self.challenge(repo)})

    def challenge(self, repo):
        if self.options.mode == "basic":
            return 'Basic realm="test-realm"'
        if self.options.mode == "negotiate":
            return "Negotiate"
        params = 'realm="http://127.0.0.1:%d/token",service="%s"' % (
            self.server.server_address[1], SERVICE)
        if repo is not None:
            params += ',scope="repository:%s:pull"' % repo
        return "Bearer " + params


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["basic", "bearer", "negotiate"], required=True)
    parser.add_argument("--ttl", type=float, default=300)
    parser.add_argument("--advertised-ttl", type=float, default=None)
    parser.add_argument("--anonymous-pull", action="store_true")
    parser.add_argument("--deny", action="append", default=[])
    parser.add_argument("--token-delay", type=int, default=0)
    parser.add_argument("--token-field", choices=["both", "token", "access_token", "none"],
                        default="both")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    options = parser.parse_args()
    if options.advertised_ttl is None:
        options.advertised_ttl = options.ttl
    Handler.options = options
    Handler.state = State()
    Handler.users = parse_users(os.environ.get("AUTH_USERS"))
    Handler.refresh_token = os.environ.get("AUTH_REFRESH_TOKEN", "")
    server = QuietServer(("127.0.0.1", 0), Handler)
    start_watchdog(options.exit_on_stdin_eof)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
