"""Exactly once, also when the outcome of a post is unknown: Slack posts a message but
answers after the client's timeout, or the process dies between posting and recording. The
attempt is on record before the post goes out, the post carries its ledger key as message
metadata, and a row attempted before is looked up in the channel before it is posted again.

Assertions are on what the fake Slack keeps (every message posted, with its metadata) and on
the delivery ledger; the real SlackNotifier talks to the fake over HTTP with a 1-second timeout.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

from sqlalchemy import select

from bot.domain import grammar
from bot.services import execute
from bot.services.deps import Actor
from storage.models import DeliveryRow
from tests.conftest import KENNEMERLAND, load_examples
from tests.slack.reminder_programme import at, load_programme, travel, write_programme

TIMEOUT = 1  # the client's timeout, in seconds
LATE = 2.5  # Slack answers after this many seconds (but posted at once)


def late_answering(deps: Any, fake: Any) -> Any:
    """Deps whose notifier gives up on Slack after TIMEOUT seconds."""
    from handlers.delivery import SlackNotifier, make_client

    client = make_client("xoxb-test-token", fake.url, timeout=TIMEOUT)
    return replace(deps, notifier=SlackNotifier(client, "nl", deps.timezone))


def ledger(engine: Any) -> dict[str, tuple[str, str | None, int]]:
    with engine.connect() as connection:
        rows = connection.execute(select(DeliveryRow.key, DeliveryRow.state,
                                         DeliveryRow.message_ts, DeliveryRow.attempts)).all()
    return {key: (state, ts, attempts) for key, state, ts, attempts in rows}


def assert_each_posted_once(fake: Any, engine: Any) -> None:
    rows = ledger(engine)
    assert rows
    for key, (state, ts, _attempts) in rows.items():
        posts = fake.posts_of(key)
        assert len(posts) == 1, (key, len(posts))
        assert state == "sent" and ts == posts[0]["ts"], (key, state, ts)


def test_reminders_slack_answered_too_late_are_found_not_posted_again(
        runtime: Any, fake_slack: Any, tmp_path: Path) -> None:
    from bot.services.reminders import sweep_reminders

    load_programme(runtime.deps, write_programme(tmp_path))
    deps = late_answering(runtime.deps, fake_slack)
    fake_slack.slow("chat.postMessage", LATE)
    with travel(at(2021, 10, 15, 9, 0)):
        first = sweep_reminders(deps)
    assert first.plans and all(p.state == "failed" for p in first.plans if p.channel)
    posted = len(fake_slack.calls_to("chat.postMessage"))
    assert posted == len(ledger(runtime.engine)) >= 3  # Slack did post every one of them
    assert all(state == "failed" and attempts == 1
               for state, _ts, attempts in ledger(runtime.engine).values())

    fake_slack.heal()
    with travel(at(2021, 10, 15, 9, 30)):  # the retry is due: looked up, not posted again
        second = sweep_reminders(deps)
    assert len(second.retried) == posted and all(r.ok for r in second.retried)
    assert len(fake_slack.calls_to("chat.postMessage")) == posted
    assert fake_slack.calls_to("conversations.history")
    assert_each_posted_once(fake_slack, runtime.engine)

    with travel(at(2021, 10, 18, 9, 0)):  # and nothing on the next working day either
        sweep_reminders(deps)
    assert len(fake_slack.calls_to("chat.postMessage")) == posted


def test_an_update_announcement_answered_too_late_is_posted_once(
        runtime: Any, fake_slack: Any) -> None:
    from bot.services.delivery import announce, deliver_pending

    load_examples(runtime.deps, KENNEMERLAND)
    deps = late_answering(runtime.deps, fake_slack)
    fake_slack.slow("chat.postMessage", LATE, times=1)
    with travel(at(2021, 10, 15, 11, 0)):
        result = execute(deps, grammar.parse("update THV risico onderzoek loopt uit"),
                         Actor.console())
        assert result.delivery_key is not None
        outcome = announce(deps, result)  # posted at once, on the change's own lease
    assert outcome is not None and not outcome.ok
    assert len(fake_slack.posts_of(result.delivery_key)) == 1  # posted, although we never heard so
    with travel(at(2021, 10, 15, 11, 10)):
        retried = deliver_pending(deps)
    assert [o.ok for o in retried] == [True]
    assert_each_posted_once(fake_slack, runtime.engine)


def test_an_announcement_started_late_renews_its_lease_or_leaves_the_row_to_the_outbox(
        runtime: Any, fake_slack: Any) -> None:
    """The change leased its announcement to the answering process. A follow-up that starts
    late (queued behind slow posts) renews that lease before it posts, so no sweep takes the
    row while it posts; once a sweep has taken the row over, the follow-up posts nothing."""
    from bot.services.delivery import FRESH_POST, LEASE, announce, deliver_pending

    load_examples(runtime.deps, KENNEMERLAND)
    deps = late_answering(runtime.deps, fake_slack)
    changed = at(2021, 10, 15, 11, 0)
    with travel(changed):
        late = execute(deps, grammar.parse("update THV risico onderzoek loopt uit"),
                       Actor.console())
    with travel(changed + LEASE - timedelta(seconds=5)):  # late, the lease nearly over
        assert [o.ok for o in [announce(deps, late)] if o] == [True]
    with travel(changed + LEASE + timedelta(seconds=5)):  # the old lease's end: renewed
        assert deliver_pending(deps) == []
    assert len(fake_slack.posts_of(late.delivery_key)) == 1

    with travel(changed + timedelta(minutes=5)):
        taken = execute(deps, grammar.parse("update mda-advies risico wacht op de gemeente"),
                        Actor.console())
    with travel(changed + timedelta(minutes=5) + LEASE + timedelta(seconds=5)):
        assert [o.ok for o in deliver_pending(deps)] == [True]  # the outbox took it over
        assert announce(deps, taken) is None  # a follow-up this late posts nothing
    assert FRESH_POST < LEASE
    assert_each_posted_once(fake_slack, runtime.engine)


def test_a_post_whose_process_died_before_recording_it_is_not_posted_again(
        runtime: Any, fake_slack: Any) -> None:
    """Attempt recorded, message posted, then kill -9: the answer was never recorded."""
    from bot.services.delivery import LEASE, deliver_pending, materialise

    load_examples(runtime.deps, KENNEMERLAND)
    deps = late_answering(runtime.deps, fake_slack)
    with travel(at(2021, 10, 15, 11, 0)):
        result = execute(replace(deps, notifier=None),  # queued, not posted yet
                         grammar.parse("update THV risico onderzoek loopt uit"),
                         Actor.console())
        with deps.uow(write=True) as uow:  # what _post does first ...
            leased = uow.repo.lock_delivery(uow.repo.get_delivery(result.delivery_key).id,
                                            deps.now(), LEASE)
            uow.commit()
        with deps.uow() as uow:
            message = materialise(uow.repo, leased)
        posted = deps.notifier.post(leased.channel, message, key=leased.key)  # ... then died
    assert posted.ok
    # Half the lease later it is still alive: nobody touches it. (The clock ticks on in each
    # travel, so a check exactly one lease after the lock would race the lock's own moment.)
    with travel(at(2021, 10, 15, 11, 0) + LEASE / 2):
        assert deliver_pending(deps) == []
    with travel(at(2021, 10, 15, 11, 5)):  # the lease ran out: reconciled, not posted again
        assert [o.ok for o in deliver_pending(deps)] == [True]
    assert_each_posted_once(fake_slack, runtime.engine)


def test_an_earlier_post_is_found_behind_a_thousand_newer_messages(
        runtime: Any, fake_slack: Any) -> None:
    """A busy channel: the attempt that died after posting is followed by more messages than
    a few pages of history hold. The look-up reads on until the attempt's time, and a look
    that cannot reach it says "cannot tell" (retried later), never "not posted"."""
    from bot.services.delivery import LEASE, deliver_pending, materialise
    from handlers import delivery as slack_delivery

    load_examples(runtime.deps, KENNEMERLAND)
    deps = late_answering(runtime.deps, fake_slack)
    with travel(at(2021, 10, 15, 11, 0)):
        result = execute(replace(deps, notifier=None), grammar.parse(
            "update THV risico onderzoek loopt uit"), Actor.console())
        with deps.uow(write=True) as uow:
            leased = uow.repo.lock_delivery(uow.repo.get_delivery(result.delivery_key).id,
                                            deps.now(), LEASE)
            uow.commit()
        with deps.uow() as uow:
            message = materialise(uow.repo, leased)
        assert deps.notifier.post(leased.channel, message, key=leased.key).ok  # then died
        fake_slack.chatter(leased.channel, 1500)
    with travel(at(2021, 10, 15, 11, 5)), \
            patch.object(slack_delivery, "HISTORY_PAGES", 3):  # 600 messages: cannot tell
        assert [o.ok for o in deliver_pending(deps)] == [False]
    assert len(fake_slack.posts_of(leased.key)) == 1
    with travel(at(2021, 10, 15, 11, 30)):  # the whole way back: found, not posted again
        assert [o.ok for o in deliver_pending(deps)] == [True]
    assert_each_posted_once(fake_slack, runtime.engine)


def test_when_the_look_up_fails_nothing_is_posted_until_it_can_tell(
        runtime: Any, fake_slack: Any, tmp_path: Path) -> None:
    from bot.services.delivery import deliver_pending
    from bot.services.reminders import sweep_reminders

    load_programme(runtime.deps, write_programme(tmp_path))
    deps = late_answering(runtime.deps, fake_slack)
    fake_slack.slow("chat.postMessage", LATE)
    with travel(at(2021, 10, 15, 9, 0)):
        sweep_reminders(deps)
    posted = len(fake_slack.calls_to("chat.postMessage"))
    fake_slack.heal()
    fake_slack.fail("conversations.history", error="ratelimited")
    with travel(at(2021, 10, 15, 9, 30)):
        assert not any(o.ok for o in deliver_pending(deps))
    assert len(fake_slack.calls_to("chat.postMessage")) == posted
    assert {state for state, _ts, _n in ledger(runtime.engine).values()} == {"failed"}
    fake_slack.heal()
    with travel(at(2021, 10, 15, 10, 0)):
        assert all(o.ok for o in deliver_pending(deps))
    assert len(fake_slack.calls_to("chat.postMessage")) == posted
    assert_each_posted_once(fake_slack, runtime.engine)


def test_digest_thread_replies_answered_too_late_are_found_in_their_thread(
        runtime: Any, fake_slack: Any, tmp_path: Path) -> None:
    from bot.services.digests import complete_threads, post_digests

    load_programme(runtime.deps, write_programme(tmp_path))
    deps = late_answering(runtime.deps, fake_slack)
    fake_slack.slow("chat.postMessage", LATE, in_thread=True)
    with travel(at(2021, 11, 1, 9, 0)):
        report = post_digests(deps, at(2021, 11, 1).date())
    assert report.plans and all(p.state == "sent" and p.thread_state == "failed"
                                for p in report.plans if p.state != "empty")
    posted = len(fake_slack.calls_to("chat.postMessage"))
    fake_slack.heal()
    with travel(at(2021, 11, 1, 9, 30)):
        post_digests(deps, at(2021, 11, 1).date())
        complete_threads(deps)
    assert len(fake_slack.calls_to("chat.postMessage")) == posted
    assert fake_slack.calls_to("conversations.replies")
    assert_each_posted_once(fake_slack, runtime.engine)


def test_a_retry_after_a_slack_refusal_still_posts(runtime: Any, fake_slack: Any,
                                                   tmp_path: Path) -> None:
    """The look-up finds nothing when nothing was posted: the row is posted on its retry.
    Slack took the sweep's other posts after refusing this one, so the outage is over and the
    retry comes in the same sweep (bot/services/delivery.py deliver_pending)."""
    from bot.services.reminders import sweep_reminders

    load_programme(runtime.deps, write_programme(tmp_path))
    deps = late_answering(runtime.deps, fake_slack)
    fake_slack.fail("chat.postMessage", error="internal_error", times=1)
    with travel(at(2021, 10, 15, 9, 0)):
        sweep_reminders(deps)
    rows = ledger(runtime.engine)
    refused = [k for k, (_state, _ts, attempts) in rows.items() if attempts == 2]
    assert len(refused) == 1 and rows[refused[0]][0] == "sent"
    assert len(fake_slack.posts_of(refused[0])) == 1
    assert fake_slack.calls_to("conversations.history")  # looked up before it was posted again
    with travel(at(2021, 10, 15, 9, 0) + timedelta(minutes=30)):
        sweep_reminders(deps)
    assert_each_posted_once(fake_slack, runtime.engine)


def test_a_post_waits_for_rate_limits_only_as_long_as_its_lease_allows(fake_slack: Any) -> None:
    """Slack's Retry-After is honoured while the waits of one post stay within
    RATE_LIMIT_WAIT; a longer one ends the attempt as "ratelimited" (Slack did nothing) for
    the ledger to retry, instead of a post that goes out after its lease ran out while another
    process posts the same row."""
    import time

    from bot.services.results import HelpAnswer
    from handlers.delivery import RATE_LIMIT_WAIT, SlackNotifier, make_client

    notifier = SlackNotifier(make_client("xoxb-test-token", fake_slack.url), "nl",
                             "Europe/Amsterdam")
    fake_slack.fail("chat.postMessage", status=429, retry_after=1, times=2)
    result = notifier.post("C0AAA0001", HelpAnswer("/actie"), key="k-short")
    assert result.ok and len(fake_slack.posts_of("k-short")) == 1  # waited 2 × 1 s, posted

    fake_slack.reset()
    fake_slack.fail("chat.postMessage", status=429, retry_after=int(RATE_LIMIT_WAIT) + 30,
                    times=1)
    started = time.monotonic()
    result = notifier.post("C0AAA0001", HelpAnswer("/actie"), key="k-long")
    assert time.monotonic() - started < RATE_LIMIT_WAIT  # did not sleep the Retry-After
    assert not result.ok and result.error == "ratelimited" and not result.uncertain
    assert fake_slack.posts_of("k-long") == []
