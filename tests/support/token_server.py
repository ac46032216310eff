#!/usr/bin/python3
"""A registry token server for the tests (Docker/OCI distribution bearer-token auth).

Issues RS256 JWTs that Debian's docker-registry (distribution 2.8) trusts through
`auth.token.rootcertbundle`: the header names the signing key by its libtrust key id (`kid`).

    token_server.py --key key.pem --issuer ISSUER --service SERVICE \
        --users-file FILE (user:password lines) | --users alice:pw1,bob:pw2 \
        [--anonymous-pull] [--ttl 300] [--token-field both|token|access_token] \
        [--no-expires-in] \
        [--acl 'bob=team/*:pull'] [--refresh-token TOKEN=alice] [--port 0] \
        [--exit-on-stdin-eof]

Endpoints
  GET  /token?service=S&scope=T:NAME:ACTIONS[&scope=...]   Basic credentials, or anonymous;
               offline_token=true (with credentials) adds a refresh token, as for docker login
  POST /token  grant_type=password (username, password) or grant_type=refresh_token
               (refresh_token), with service, scope (space-separated), client_id, and
               access_type=offline to receive a refresh token
  GET  /__stats  JSON counters: tokens_issued, tokens_by_scope (the scope as requested; ""
               for none), rejections, rejections_by_reason, password_grants,
               refresh_grants, anonymous_tokens
  POST /__reset  zeroes the counters

Policy: a user given in --users or --users-file may pull and push every repository and read the catalog,
unless --acl entries name that user: then only what they grant (REPO_GLOB:ACTIONS, fnmatch
globs, actions comma-separated or "*"). Anonymous clients may pull every repository with
--anonymous-pull, and are refused (401) otherwise. A scope the client may not have is not an
error: it is granted with an empty action list, as real token servers do, and the registry
then answers 401 insufficient_scope. Wrong credentials, an unknown refresh token and anonymous
requests without --anonymous-pull get 401 with a JSON {"error", "details"}.

Expiry: distribution accepts a token until 60 s (its clock-skew leeway, token.Leeway) after
`exp`, so `exp` is set to issue time + TTL - 60. The token then really stops working TTL
seconds after it was issued (at most one second later, `exp` being whole seconds), which is
what `expires_in` tells the client.

Prints the bound port on stdout's first line; binds 127.0.0.1 only; exits on SIGTERM, and with
--exit-on-stdin-eof also when stdin closes (the test process that started it has gone).
Passwords and tokens are never logged. Python standard library and the openssl CLI only.
"""

import argparse
import base64
import fnmatch
import hashlib
import http.server
import json
import math
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse

from http_test_server import QuietServer, send_json, start_watchdog

# distribution's registry/auth/token: exp and nbf are checked with this much slack.
REGISTRY_LEEWAY_SECONDS = 60


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def libtrust_key_id(key_path):
    """base32 of the first 240 bits of sha256(DER SubjectPublicKeyInfo), in groups of 4."""
    der = subprocess.run(
        ["openssl", "pkey", "-in", key_path, "-pubout", "-outform", "DER"],
        check=True, capture_output=True).stdout
    b32 = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode("ascii")
    return ":".join(b32[i:i + 4] for i in range(0, len(b32), 4))


class Signer:
    """RS256 signatures through `openssl dgst` (the standard library has no RSA)."""

    def __init__(self, key_path):
        self.key_path = key_path
        self.kid = libtrust_key_id(key_path)

    def sign_jwt(self, claims):
        header = {"typ": "JWT", "alg": "RS256", "kid": self.kid}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode()))
        signature = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", self.key_path],
            input=signing_input.encode(), check=True, capture_output=True).stdout
        return signing_input + "." + b64url(signature)


def parse_scope(text):
    """'repository:team/app:pull,push' -> ('repository', 'team/app', ['pull', 'push'])."""
    first, last = text.find(":"), text.rfind(":")
    if first <= 0 or last == first:
        return None
    actions = [a for a in text[last + 1:].split(",") if a]
    return text[:first], text[first + 1:last], actions


class Policy:
    """Who may do what: users, passwords, ACLs, anonymous pull, refresh tokens."""

    def __init__(self, args):
        self.passwords = {}
        pairs = (args.users or "").split(",")
        if args.users_file:
            with open(args.users_file, encoding="utf-8") as f:
                pairs += f.read().splitlines()
        for pair in filter(None, pairs):
            name, sep, password = pair.partition(":")
            if not sep:
                raise SystemExit("token_server: users are given as user:password")
            self.passwords[name] = password
        self.acls = {}
        for entry in args.acl:
            user, sep, rule = entry.partition("=")
            glob, sep2, actions = rule.rpartition(":")
            if not sep or not sep2 or not glob:
                raise SystemExit("token_server: --acl wants USER=REPO_GLOB:ACTIONS")
            self.acls.setdefault(user, []).append((glob, actions.split(",")))
        self.anonymous_pull = args.anonymous_pull
        self.refresh_tokens = {}
        for entry in args.refresh_token:
            token, sep, user = entry.rpartition("=")
            if not sep or user not in self.passwords:
                raise SystemExit("token_server: --refresh-token wants TOKEN=KNOWN_USER")
            self.refresh_tokens[token] = user
        self.lock = threading.Lock()

    def check_password(self, user, password):
        expected = self.passwords.get(user)
        return expected is not None and secrets.compare_digest(expected, password)

    def user_of_refresh_token(self, token):
        with self.lock:
            return self.refresh_tokens.get(token)

    def new_refresh_token(self, user):
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.refresh_tokens[token] = user
        return token

    def allowed_actions(self, user, resource_type, name):
        """The actions `user` (None: anonymous) may have on a resource."""
        if user is None:
            if self.anonymous_pull and resource_type == "repository":
                return {"pull"}
            return set()
        if user not in self.acls:
            return {"*"} if resource_type == "registry" else {"pull", "push"}
        allowed = set()
        for glob, actions in self.acls[user]:
            if resource_type == "repository" and fnmatch.fnmatchcase(name, glob):
                allowed.update(actions)
        return allowed

    def grant(self, user, scopes):
        """The JWT `access` list: each requested scope with the actions it may have."""
        access = []
        for scope in scopes:
            parsed = parse_scope(scope)
            if parsed is None:
                continue
            resource_type, name, wanted = parsed
            allowed = self.allowed_actions(user, resource_type, name)
            granted = [a for a in wanted if a in allowed or "*" in allowed]
            access.append({"type": resource_type, "name": name, "actions": granted})
        return access


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.data = {"tokens_issued": 0, "tokens_by_scope": {}, "rejections": 0,
                     "rejections_by_reason": {}, "password_grants": 0,
                     "refresh_grants": 0, "anonymous_tokens": 0}

    def issued(self, scopes, user, grant):
        with self.lock:
            self.data["tokens_issued"] += 1
            for scope in scopes or [""]:
                by_scope = self.data["tokens_by_scope"]
                by_scope[scope] = by_scope.get(scope, 0) + 1
            if user is None:
                self.data["anonymous_tokens"] += 1
            if grant == "password":
                self.data["password_grants"] += 1
            elif grant == "refresh_token":
                self.data["refresh_grants"] += 1

    def rejected(self, reason):
        with self.lock:
            self.data["rejections"] += 1
            by_reason = self.data["rejections_by_reason"]
            by_reason[reason] = by_reason.get(reason, 0) + 1

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.data))


class Rejection(Exception):
    def __init__(self, status, reason, message):
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


class TokenHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "strata-test-token-server"

    def log_message(self, fmt, *args):  # quiet: the tests read stats, not logs
        if self.server.config.verbose:
            sys.stderr.write("token_server: %s %s\n" % (self.command, self.path.split("?")[0]))

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/__stats":
            return self.send_json(200, self.server.stats.snapshot())
        if url.path != "/token":
            return self.send_json(404, {"error": "not found"})
        query = urllib.parse.parse_qs(url.query)
        self.answer(lambda: self.get_token(query))

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        if url.path == "/__reset":
            self.server.stats.reset()
            return self.send_json(200, {})
        if url.path != "/token":
            return self.send_json(404, {"error": "not found"})
        form = urllib.parse.parse_qs(body)
        self.answer(lambda: self.post_token(form))

    def answer(self, issue):
        try:
            self.send_json(200, issue())
        except Rejection as r:
            self.server.stats.rejected(r.reason)
            self.send_json(r.status, {"error": r.reason, "details": r.message})
        except Exception as e:  # a bug here: answer, and say what it was on stderr
            sys.stderr.write("token_server: %s: %r\n" % (self.command, e))
            self.send_json(500, {"error": "server_error", "details": type(e).__name__})

    def get_token(self, query):
        self.check_service(query)
        user = self.basic_user()
        if user is None and not self.server.policy.anonymous_pull:
            raise Rejection(401, "unauthorized", "authentication required")
        # Clients repeat scope=; some put several in one, separated by spaces.
        scopes = " ".join(query.get("scope", [])).split()
        answer = self.issue(user, scopes, grant=None)
        if user is not None and first(query, "offline_token") == "true":
            answer["refresh_token"] = self.server.policy.new_refresh_token(user)
        return answer

    def post_token(self, form):
        self.check_service(form)
        grant_type = first(form, "grant_type")
        policy = self.server.policy
        if grant_type == "password":
            user = first(form, "username")
            if not policy.check_password(user, first(form, "password")):
                raise Rejection(401, "invalid_grant", "incorrect username or password")
        elif grant_type == "refresh_token":
            user = policy.user_of_refresh_token(first(form, "refresh_token"))
            if user is None:
                raise Rejection(401, "invalid_grant", "unknown refresh token")
        else:
            raise Rejection(400, "unsupported_grant_type", "grant_type must be password or "
                            "refresh_token")
        scopes = " ".join(form.get("scope", [])).split()
        answer = self.issue(user, scopes, grant=grant_type)
        if grant_type == "password" and first(form, "access_type") == "offline":
            answer["refresh_token"] = policy.new_refresh_token(user)
        return answer

    def check_service(self, params):
        service = first(params, "service")
        if service and service != self.server.config.service:
            raise Rejection(400, "invalid_request", "unknown service")

    def basic_user(self):
        """The user named by valid Basic credentials, None without any; rejects bad ones."""
        header = self.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        try:
            user, sep, password = base64.b64decode(value.strip(), validate=True).decode(
                "utf-8").partition(":")
        except ValueError:
            sep = ""
        if scheme.lower() != "basic" or not sep:
            raise Rejection(400, "invalid_request", "malformed Authorization header")
        if not self.server.policy.check_password(user, password):
            raise Rejection(401, "unauthorized", "incorrect username or password")
        return user

    def issue(self, user, scopes, grant):
        config = self.server.config
        now = time.time()
        issued_at = math.ceil(now)
        claims = {
            "iss": config.issuer, "sub": user or "", "aud": config.service,
            "exp": issued_at + config.ttl - REGISTRY_LEEWAY_SECONDS,
            "nbf": int(now), "iat": int(now), "jti": secrets.token_hex(12),
            "access": self.server.policy.grant(user, scopes),
        }
        token = self.server.signer.sign_jwt(claims)
        self.server.stats.issued(scopes, user, grant)
        answer = {"issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}
        for field in ("token", "access_token"):
            if config.token_field in ("both", field):
                answer[field] = token
        if not config.no_expires_in:
            answer["expires_in"] = config.ttl
        return answer

    def send_json(self, status, value):
        challenge = {"WWW-Authenticate": 'Basic realm="strata-test-token-server"'}
        send_json(self, status, value, challenge if status == 401 else None)


def first(params, name):
    values = params.get(name) or [""]
    return values[0]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--key", required=True, help="PEM private key (RSA) that signs tokens")
    p.add_argument("--issuer", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--users", default="", help="user:password,...")
    p.add_argument("--users-file", help="user:password lines (keeps passwords out of ps)")
    p.add_argument("--acl", action="append", default=[], help="USER=REPO_GLOB:ACTIONS")
    p.add_argument("--anonymous-pull", action="store_true")
    p.add_argument("--refresh-token", action="append", default=[], help="TOKEN=USER")
    p.add_argument("--ttl", type=int, default=300, help="seconds a token works")
    p.add_argument("--token-field", choices=["both", "token", "access_token"], default="both",
                   help="which answer field(s) carry the token (servers differ)")
    p.add_argument("--no-expires-in", action="store_true",
                   help="leave expires_in out of answers (clients then assume 60 s)")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--verbose", action="store_true", help="log method and path to stderr")
    p.add_argument("--exit-on-stdin-eof", action="store_true")
    args = p.parse_args()
    if args.ttl < 1:
        p.error("--ttl must be at least 1")
    return args


def main():
    args = parse_args()
    server = QuietServer(("127.0.0.1", args.port), TokenHandler)
    server.config, server.policy = args, Policy(args)
    server.signer, server.stats = Signer(args.key), Stats()
    start_watchdog(args.exit_on_stdin_eof)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    os.umask(0o077)
    main()
