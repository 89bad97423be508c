"""A calendar people subscribe to: `actiebot calendar-link` prints the address, the app serves
`GET /calendar/<token>.ics` with STATUS per event, an ETag that If-None-Match turns into 304,
and 404 for unknown and rotated tokens."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from icalendar import Calendar
from sqlalchemy import select

from storage.models import CalendarLinkRow
from tests.cli.conftest import run_cli
from tests.slack.conftest import HttpResult

PUBLIC = "https://actiebot.example.nl"
ADMIN = "U0CALMEM1"


def calendar_link(db_url: str, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("calendar-link", *args,
                   env={"DATABASE_URL": db_url, "ACTIEBOT_PUBLIC_URL": PUBLIC})


def fetch(app, path: str, etag: str | None = None) -> HttpResult:  # type: ignore[no-untyped-def]
    request = urllib.request.Request(app.client.base + path)
    if etag is not None:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return HttpResult(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return HttpResult(error.code, error.read().decode(), dict(error.headers))


@pytest.fixture
def feed(app, db_url):  # type: ignore[no-untyped-def]
    made = calendar_link(db_url, "--group", "wg-mda")
    assert made.returncode == 0, made.stderr
    url = made.stdout.strip()
    assert url.startswith(PUBLIC + "/calendar/") and url.endswith(".ics")
    return url.removeprefix(PUBLIC)


def events(body: str) -> dict[str, dict[str, str]]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): {k: str(v) for k, v in e.items()} for e in calendar.walk("VEVENT")}


def test_the_feed_carries_status_refresh_and_an_etag(app, feed) -> None:  # type: ignore[no-untyped-def]
    reply = fetch(app, feed)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/calendar")
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in reply.body
    assert "X-PUBLISHED-TTL:PT1H" in reply.body
    found = events(reply.body)
    assert found and all(e["STATUS"] in ("CONFIRMED", "CANCELLED") for e in found.values())
    # only the group's activities: MDA++ (kennemerland), not another group's
    assert all(uid.startswith("kennemerland-2021/mda-") for uid in found), sorted(found)
    assert reply.headers["ETag"].startswith('"')
    assert "private" in reply.headers["Cache-Control"]


def test_if_none_match_gives_304_until_something_changes(app, feed, fake_slack) -> None:  # type: ignore[no-untyped-def]
    first = fetch(app, feed)
    etag = first.headers["ETag"]
    again = fetch(app, feed, etag)
    assert again.status == 304 and again.body == ""
    assert again.headers["ETag"] == etag
    fake_slack.join("C0MDA0001", ADMIN)  # a member of the group's channel may change it
    reply = app.client.command("update mda-advies vervallen geen budget meer", user=ADMIN)
    assert reply.status == 200
    changed = fetch(app, feed, etag)
    assert changed.status == 200 and changed.headers["ETag"] != etag
    mine = [e for uid, e in events(changed.body).items()
            if uid.startswith("kennemerland-2021/mda-advies/")]  # its milestone
    assert mine and all(e["STATUS"] == "CANCELLED" and "LAST-MODIFIED" in e for e in mine)
    assert all(e["STATUS"] == "CONFIRMED" for e in events(first.body).values())


def test_rotation_makes_the_old_address_404(app, feed, db_url) -> None:  # type: ignore[no-untyped-def]
    assert fetch(app, feed).status == 200
    again = calendar_link(db_url, "--group", "wg-mda")
    assert again.returncode == 1 and "--rotate" in again.stderr  # the token is not stored
    rotated = calendar_link(db_url, "--group", "wg-mda", "--rotate")
    assert rotated.returncode == 0, rotated.stderr
    new = rotated.stdout.strip().removeprefix(PUBLIC)
    assert new != feed
    assert fetch(app, feed).status == 404
    assert fetch(app, new).status == 200
    # the database holds a hash, never the token itself
    with app.engine.connect() as conn:
        hashes = conn.scalars(select(CalendarLinkRow.token_hash)).all()
    token = new.removeprefix("/calendar/").removesuffix(".ics")
    assert len(hashes) == 1 and token not in hashes[0]


def test_unknown_tokens_get_404(app) -> None:  # type: ignore[no-untyped-def]
    for path in ("/calendar/nope.ics", "/calendar/" + "A" * 43 + ".ics",
                 "/calendar/../healthz.ics", "/calendar/", "/calendar/x"):
        assert fetch(app, path).status == 404, path


def test_a_programme_feed_and_bad_requests(app, db_url) -> None:  # type: ignore[no-untyped-def]
    made = calendar_link(db_url, "--programme", "gooi-en-vechtstreek")
    assert made.returncode == 0, made.stderr
    reply = fetch(app, made.stdout.strip().removeprefix(PUBLIC))
    assert reply.status == 200
    assert all(uid.startswith("gooi-en-vechtstreek/") for uid in events(reply.body))
    unknown = calendar_link(db_url, "--group", "wg-bestaat-niet")
    assert unknown.returncode == 1 and "no working group" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    no_url = run_cli("calendar-link", "--programme", "gooi-en-vechtstreek",
                     env={"DATABASE_URL": db_url})
    assert no_url.returncode == 1 and "ACTIEBOT_PUBLIC_URL" in no_url.stderr
