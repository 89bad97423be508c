"""A local fake of Slack's Web API: records every call, answers Slack-shaped JSON.

Point the app at it with SLACK_API_URL=fake.url. It can be told to fail a method:
`fail("chat.postMessage", status=429, retry_after=1, times=3)`, `status=500`, or an
`error="channel_not_found"` answer (HTTP 200, ok=false), optionally only for one channel.
`conversations.members` answers from `members` (channel -> user ids; `join(channel, *users)`),
in pages of `limit` with a `next_cursor`; a channel it does not know has no members.

It keeps what was posted per channel (with its message metadata) and answers
`conversations.history` and `conversations.replies` from it, as Slack does. `slow("chat.postMessage",
seconds=3)` answers after the client's timeout although the message was posted (and kept), as a
Slack that posted but answered late; `posts_of(key)` says how often a ledger key was posted.
A command's `response_url` can point here too (`response_url(name)`): what the app sends to it
is recorded as a call to the method "response_url" and can be failed or slowed like the others.

Several workspaces: `grant(code, team_id, token)` makes `oauth.v2.access` exchange that code
(with the app's client id and secret) for an installation of that team with that bot token;
`auth.test` answers for the team of the token it is called with (`tokens`: token -> team);
`calls_with(method, token)` keeps the calls made with one token.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.time)


@dataclass
class Failure:
    method: str
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    times: int | None = None  # None: until cleared
    channel: str | None = None


@dataclass
class Slow:
    method: str
    seconds: float
    times: int | None = None  # None: until cleared
    in_thread: bool | None = None  # True: only thread replies; False: only top-level posts


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.teams: dict[str, str] = {}  # team.info: team id -> name (others: team_not_found)
        self.members: dict[str, list[str]] = {}
        self.uploads: dict[str, bytes] = {}  # file id -> the bytes uploaded (files_upload_v2)
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> posted, oldest first
        self.slows: list[Slow] = []
        self.grants: dict[str, dict[str, Any]] = {}  # OAuth code -> oauth.v2.access answer
        self.tokens: dict[str, str] = {}  # bot token -> team id (several workspaces)
        self.client_id, self.client_secret = "1111.2222", "fake-client-secret"
        self._lock = threading.Lock()
        self._ts = 1_600_000_000.000100
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if self.path.startswith("/upload/"):  # files_upload_v2 step 2: the bytes
                    self._upload(self.rfile.read(length) if length else b"")
                    return
                if self.path.startswith("/response/"):  # a command's response_url
                    self._respond(self.rfile.read(length) if length else b"")
                    return
                raw = self.rfile.read(length).decode() if length else ""
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype:
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                    for key in ("blocks", "attachments"):
                        if isinstance(body.get(key), str):
                            body[key] = json.loads(body[key])
                self._reply(body)

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                self.path = path
                self._reply({k: v[0] for k, v in parse_qs(query).items()})

            def _reply(self, body: dict[str, Any]) -> None:
                method = self.path.strip("/").split("/")[-1]
                status, payload, headers = fake._answer(method, body, dict(self.headers))
                delay = fake._delay_for(method, body)
                if delay:
                    time.sleep(delay)  # done (and kept) already; the answer comes late
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up waiting
                    pass

            def _respond(self, content: bytes) -> None:
                body = json.loads(content.decode() or "{}")
                body["_path"] = self.path
                status, _payload, headers = fake._answer("response_url", body, {
                    "Authorization": "Bearer xoxb-response-url"})
                data = b"ok" if status == 200 else b"error"
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _upload(self, content: bytes) -> None:
                file_id = self.path.rsplit("/", 1)[-1]
                with fake._lock:
                    fake.uploads[file_id] = content
                    fake.calls.append(Call("upload", {"file_id": file_id, "size": len(content)},
                                           dict(self.headers)))
                data = f"OK - {len(content)}".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- control ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def response_url(self, name: str = "x") -> str:
        """A command's response_url that lands here: posts to it are recorded as calls to
        the method ``response_url`` (body: the JSON sent, ``_path``: which url)."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/response/{name}"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, method: str, **kwargs: Any) -> None:
        with self._lock:
            self.failures.append(Failure(method, **kwargs))

    def slow(self, method: str, seconds: float, times: int | None = None,
             in_thread: bool | None = None) -> None:
        """Do what ``method`` asks at once, but answer only after ``seconds``."""
        with self._lock:
            self.slows.append(Slow(method, seconds, times, in_thread))

    def heal(self) -> None:
        with self._lock:
            self.failures.clear()
            self.slows.clear()

    def grant(self, code: str, team_id: str, token: str, team_name: str = "Gemeente",
              enterprise_id: str | None = None, is_enterprise_install: bool = False,
              refresh_token: str | None = None, expires_in: int | None = None) -> None:
        """`oauth.v2.access` with ``code`` installs the app in ``team_id`` with ``token``."""
        answer: dict[str, Any] = {
            "ok": True, "app_id": "A0ACTIEBOT", "access_token": token, "token_type": "bot",
            "scope": "commands,chat:write", "bot_user_id": f"UBOT{team_id[-4:]}",
            "team": None if is_enterprise_install else {"id": team_id, "name": team_name},
            "enterprise": {"id": enterprise_id, "name": "Concern"} if enterprise_id else None,
            "is_enterprise_install": is_enterprise_install,
            "authed_user": {"id": f"U0INST{team_id[-3:]}"}}
        if refresh_token:
            answer.update(refresh_token=refresh_token, expires_in=expires_in or 43200)
        with self._lock:
            self.grants[code] = answer
            self.tokens[token] = enterprise_id if is_enterprise_install and enterprise_id \
                else team_id

    def join(self, channel: str, *users: str) -> None:
        """Make users members of a channel (what conversations.members answers)."""
        with self._lock:
            current = self.members.setdefault(channel, [])
            current.extend(u for u in users if u not in current)

    def leave(self, channel: str, *users: str) -> None:
        with self._lock:
            self.members[channel] = [u for u in self.members.get(channel, []) if u not in users]

    def chatter(self, channel: str, count: int, user: str = "U0CHATTY") -> None:
        """``count`` messages by people in ``channel``, posted now (a busy channel)."""
        with self._lock:
            for n in range(count):
                self._ts = max(time.time(), self._ts + 0.0001)
                self.messages.setdefault(channel, []).append({
                    "type": "message", "ts": f"{self._ts:.6f}", "text": f"bericht {n}",
                    "user": user, "thread_ts": None, "metadata": None})

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.failures.clear()
            self.members.clear()
            self.slows.clear()
            self.messages.clear()
            self.grants.clear()
            self.tokens.clear()
            self.teams.clear()

    def posts_of(self, key: str) -> list[dict[str, Any]]:
        """Every message posted with this delivery ledger key in its metadata."""
        with self._lock:
            return [m for ms in self.messages.values() for m in ms
                    if ((m.get("metadata") or {}).get("event_payload") or {}).get("key") == key]

    def _delay_for(self, method: str, body: dict[str, Any]) -> float:
        with self._lock:
            for slow in self.slows:
                if slow.in_thread is not None and slow.in_thread != bool(body.get("thread_ts")):
                    continue
                if slow.method == method and (slow.times is None or slow.times > 0):
                    if slow.times is not None:
                        slow.times -= 1
                    return slow.seconds
        return 0.0

    def token_of(self, call: Call) -> str:
        auth = call.headers.get("Authorization") or call.headers.get("authorization") or ""
        return auth.removeprefix("Bearer ")

    def calls_with(self, method: str, token: str) -> list[Call]:
        return [c for c in self.calls_to(method) if self.token_of(c) == token]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Bodies of successful chat.postMessage calls (what people saw)."""
        with self._lock:
            return [c.body for c in self.calls if c.method == "chat.postMessage"
                    and c.body.get("_ok") and (channel is None or c.body.get("channel") == channel)]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls_to(method)
            if len(calls) >= count:
                return calls
            time.sleep(0.02)
        raise AssertionError(f"expected {count} call(s) to {method}, got {len(self.calls_to(method))}")

    # -- answers ----------------------------------------------------------------------------

    def _failure_for(self, method: str, body: dict[str, Any]) -> Failure | None:
        for failure in self.failures:
            if failure.method != method:
                continue
            if failure.channel and body.get("channel") != failure.channel:
                continue
            if failure.times is not None:
                if failure.times <= 0:
                    continue
                failure.times -= 1
            return failure
        return None

    def _answer(self, method: str, body: dict[str, Any],
                headers: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            call = Call(method, body, headers)
            self.calls.append(call)
            failure = self._failure_for(method, body)
            if failure is not None:
                if failure.status == 429:
                    return 429, {"ok": False, "error": "ratelimited"}, {
                        "Retry-After": str(failure.retry_after or 1)}
                if failure.status >= 500:
                    return failure.status, {"ok": False, "error": "internal_error"}, {}
                return 200, {"ok": False, "error": failure.error or "unknown_error"}, {}
            auth = headers.get("Authorization") or headers.get("authorization") or ""
            if method == "oauth.v2.access":
                return self._oauth_access(body, auth)
            if not auth.startswith("Bearer xoxb-"):
                return 200, {"ok": False, "error": "not_authed"}, {}
            if method == "chat.postMessage":
                self._ts = max(time.time(), self._ts + 0.0001)  # like Slack's: the time posted
                ts = f"{self._ts:.6f}"
                body["_ok"] = True
                metadata = body.get("metadata")
                if isinstance(metadata, str):
                    metadata = json.loads(metadata)
                self.messages.setdefault(str(body.get("channel")), []).append({
                    "type": "message", "ts": ts, "text": body.get("text"), "user": "UBOT",
                    "bot_id": "B1", "thread_ts": body.get("thread_ts") or None,
                    "metadata": metadata})
                return 200, {"ok": True, "channel": body.get("channel"), "ts": ts,
                             "message": {"text": body.get("text")}}, {}
            if method in ("conversations.history", "conversations.replies"):
                return self._history(method, body)
            if method == "users.info":
                user = self.users.get(str(body.get("user")), {"id": body.get("user"),
                                                               "locale": "nl-NL"})
                return 200, {"ok": True, "user": user}, {}
            if method == "team.info":
                team = str(body.get("team") or "")
                if team not in self.teams:
                    return 200, {"ok": False, "error": "team_not_found"}, {}
                return 200, {"ok": True, "team": {"id": team, "name": self.teams[team]}}, {}
            if method == "conversations.members":
                everyone = self.members.get(str(body.get("channel")), [])
                start = int(body.get("cursor") or 0)
                size = max(1, min(int(body.get("limit") or 100), 1000))
                page = everyone[start:start + size]
                after = start + size
                return 200, {"ok": True, "members": page, "response_metadata": {
                    "next_cursor": str(after) if after < len(everyone) else ""}}, {}
            if method == "files.getUploadURLExternal":
                file_id = f"F{len(self.uploads) + len(self.calls):08d}"
                base = self.url.removesuffix("api/")
                return 200, {"ok": True, "upload_url": f"{base}upload/{file_id}",
                             "file_id": file_id}, {}
            if method == "files.completeUploadExternal":
                files = json.loads(body.get("files") or "[]")
                if any(f.get("id") not in self.uploads for f in files):
                    return 200, {"ok": False, "error": "file_not_found"}, {}
                return 200, {"ok": True, "files": [
                    {"id": f["id"], "title": f.get("title"), "size": len(self.uploads[f["id"]])}
                    for f in files]}, {}
            if method == "auth.test":
                token = auth.removeprefix("Bearer ")
                if self.tokens and token not in self.tokens:
                    return 200, {"ok": False, "error": "invalid_auth"}, {}
                team = self.tokens.get(token, "T0001")
                org = team.startswith("E")  # an org-wide install on Enterprise Grid
                return 200, {"ok": True, "user_id": f"UBOT{team[-4:]}" if self.tokens else "UBOT",
                             "team_id": None if org else team,
                             "enterprise_id": team if org else None,
                             "is_enterprise_install": org,
                             "bot_id": f"B{team[-4:]}" if self.tokens else "B1",
                             "url": f"https://{team.lower()}.slack.invalid/"}, {}
            if method in ("views.open", "views.update", "views.publish"):
                view = body.get("view")
                view = json.loads(view) if isinstance(view, str) else view or {}
                body["view"] = view
                return 200, {"ok": True, "view": {"id": "V0FAKE", **view}}, {}
            if method == "chat.getPermalink":
                ts = str(body.get("message_ts") or "").replace(".", "")
                return 200, {"ok": True, "channel": body.get("channel"), "permalink":
                             f"https://gemeente.slack.com/archives/{body.get('channel')}/p{ts}"}, {}
            if method == "response_url":
                return 200, {"ok": True}, {}
            if method in ("chat.postEphemeral", "chat.update", "reactions.add"):
                return 200, {"ok": True, "ts": f"{self._ts:.6f}"}, {}
            return 200, {"ok": False, "error": "unknown_method"}, {}

    def _oauth_access(self, body: dict[str, Any],
                      auth: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        """The app's credentials (HTTP Basic, as slack_sdk sends them, or in the form) and a
        code granted before; a code works once."""
        import base64

        client_id, secret = body.get("client_id"), body.get("client_secret")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if (client_id, secret) != (self.client_id, self.client_secret):
            return 200, {"ok": False, "error": "invalid_client_id"}, {}
        if body.get("grant_type") == "refresh_token":
            return 200, {"ok": False, "error": "invalid_refresh_token"}, {}
        answer = self.grants.pop(str(body.get("code")), None)
        if answer is None:
            return 200, {"ok": False, "error": "invalid_code"}, {}
        return 200, answer, {}

    def _history(self, method: str, body: dict[str, Any]) -> tuple[int, dict[str, Any],
                                                                   dict[str, str]]:
        """Newest first, `oldest` exclusive, `limit` and `cursor`; metadata only with
        include_all_metadata; history leaves out thread replies, replies lists one thread."""
        channel = str(body.get("channel"))
        if channel not in self.messages:
            return 200, {"ok": False, "error": "channel_not_found"}, {}
        oldest = float(body.get("oldest") or 0)
        if method == "conversations.history":
            found = [m for m in self.messages[channel]
                     if not m["thread_ts"] or m["thread_ts"] == m["ts"]]
        else:
            parent = str(body.get("ts"))
            found = [m for m in self.messages[channel]
                     if m["ts"] == parent or m["thread_ts"] == parent]
        found = [m for m in reversed(found) if float(m["ts"]) > oldest]
        start = int(body.get("cursor") or 0)
        limit = int(body.get("limit") or 100)
        page = found[start:start + limit]
        with_metadata = str(body.get("include_all_metadata")).lower() in ("1", "true")
        messages = [{k: v for k, v in m.items()
                     if v is not None and (with_metadata or k != "metadata")} for m in page]
        more = start + limit < len(found)
        return 200, {"ok": True, "messages": messages, "has_more": more,
                     "response_metadata": {"next_cursor": str(start + limit) if more else ""}}, {}
