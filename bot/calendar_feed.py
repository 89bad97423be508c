"""Calendars people subscribe to: `GET /calendar/<token>.ics` and `actiebot calendar-link`.

A working group's or a programme's deadlines and milestones as iCalendar
(storage/programme_ics.py), behind an unguessable token (storage/calendar_links.py keeps only
its hash). Outlook and Google Calendar fetch the URL again on their own schedule; the response
carries an `ETag` (named by the data version it was built from) and answers `If-None-Match`
with 304 before building anything, so an unchanged calendar costs two small queries. Unknown and rotated tokens get 404 and nothing else, and the
token never reaches a log (gunicorn's access log is off: bot/server.py).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import format_datetime

from bot.domain.model import ProgrammeFile
from bot.domain.ports import CalendarTarget, UnitOfWorkFactory

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,128}")
PATH = re.compile(r"/calendar/(?P<token>[^/]{1,200})\.ics")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # the stamp of a calendar nothing was logged in yet


@dataclass(frozen=True, slots=True)
class FeedResponse:
    status: str
    headers: list[tuple[str, str]]
    body: bytes = b""


NOT_FOUND = FeedResponse("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")],
                         b"not found\n")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def feed_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/calendar/{token}.ics"


def build_calendar(uow: UnitOfWorkFactory, target: CalendarTarget) -> tuple[bytes, datetime] | None:
    """The feed of a target and the moment it last changed (its latest logged update)."""
    from storage.programme_ics import dump_ics

    with uow() as reader:
        file = reader.repo.load_programme(target.programme_key)
        occurrences = reader.repo.list_programme_occurrences(target.programme_key)
    if file is None:
        return None
    name = file.programme.name
    if target.group_key is not None:
        group = next((g for g in file.working_groups if g.key == target.group_key), None)
        if group is None:
            return None
        file = _only_group(file, target.group_key)
        name = f"{name} — {group.name}"
    stamp = max((u.at for a in file.activities for u in a.updates), default=EPOCH)
    body = dump_ics([file], now=stamp, name=name, occurrences={
        (target.programme_key, key): occ for key, occ in occurrences.items()})
    return body, stamp.astimezone(UTC)


def _only_group(file: ProgrammeFile, group_key: str) -> ProgrammeFile:
    activities = tuple(a for a in file.activities if a.working_group == group_key)
    return replace(file, activities=activities,
                   working_groups=tuple(g for g in file.working_groups if g.key == group_key))


class CalendarFeeds:
    """The WSGI side: a request path and its If-None-Match -> the response."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self.uow = uow

    def __call__(self, path: str, if_none_match: str | None, head: bool = False) -> FeedResponse:
        match = PATH.fullmatch(path)
        if match is None or TOKEN.fullmatch(match["token"]) is None:
            return NOT_FOUND
        with self.uow() as reader:
            target = reader.repo.find_calendar_link(match["token"])
        if target is None:
            return NOT_FOUND
        # The feed is a function of the stored data alone, so the data version (read before
        # the calendar is built) names it: an unchanged calendar is answered 304 without being
        # built. Unknown version: the ETag is a hash of the body.
        version = self.uow.data_version()
        etag = None if version is None else _etag(f"{target}|{version[0]}|{version[1]}".encode())
        if etag is not None and if_none_match is not None and _matches(if_none_match, etag):
            return FeedResponse("304 Not Modified", _headers(etag, None))
        built = build_calendar(self.uow, target)
        if built is None:
            return NOT_FOUND
        body, stamp = built
        etag = etag or _etag(body)
        if if_none_match is not None and _matches(if_none_match, etag):
            return FeedResponse("304 Not Modified", _headers(etag, stamp))
        headers = _headers(etag, stamp) + [
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", 'inline; filename="actiebot.ics"'),
            ("Content-Length", str(len(body)))]
        return FeedResponse("200 OK", headers, b"" if head else body)


def _etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:40] + '"'


def _headers(etag: str, stamp: datetime | None) -> list[tuple[str, str]]:
    headers = [("ETag", etag),
               # the URL is a secret: no shared cache may keep it; clients revalidate
               ("Cache-Control", "private, no-cache"),
               ("Referrer-Policy", "no-referrer")]
    if stamp is not None:
        headers.append(("Last-Modified", format_datetime(stamp, usegmt=True)))
    return headers


def _matches(header: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


@dataclass(frozen=True, slots=True)
class LinkMade:
    token: str
    rotated: bool


@dataclass(frozen=True, slots=True)
class LinkExists:
    since: datetime


def make_link(uow: UnitOfWorkFactory, target: CalendarTarget, rotate: bool,
              now: Callable[[], datetime] = lambda: datetime.now(UTC),
              ) -> LinkMade | LinkExists | None:
    """A new link for the target (replacing the old one when `rotate`); LinkExists when it
    has one and `rotate` is not given (its token is not stored, so it cannot be shown again);
    None when the programme or group does not exist."""
    with uow(write=True) as writer:
        since = writer.repo.calendar_link_created(target)
        if since is not None and not rotate:
            return LinkExists(since)
        token = new_token()
        if not writer.repo.put_calendar_link(target, token, now()):
            return None
        writer.commit()
    return LinkMade(token, since is not None)
