"""APScheduler 3 jobs that only call services: reminders, monthly digests, outbox retries.

Jobs (a few cron-like jobs, never one per activity), in the programme's time zone
(``ACTIEBOT_TIMEZONE``, default Europe/Amsterdam):

* ``reminders`` — ``sweep_reminders`` at 09:00 on every working day (``WorkingDayTrigger``:
  a day that is a working day for at least one programme, each on its own ``calendar:``, see
  bot/services/calendars.py; the sweep skips the programmes that are off that day);
* ``digest`` — ``post_digests`` at 09:00 on the first working day of the month
  (``FirstWorkingDayTrigger``; ``WorkCalendar.first_working_day_of_month`` walks the month with
  ``dateutil.rrule``): 1 January 2022 is a Saturday and a holiday, so January's digest goes out
  on Monday 3 January. With programmes on different calendars the trigger fires on each of
  their first working days and every programme's digest goes out on its own;
* ``outbox`` — every 5 seconds: post what is due (failed posts whose back-off has passed,
  rows a killed process left behind) as fast as Slack allows, channels side by side and one
  post a second per channel (bot/services/delivery.py:deliver_pending), post digest threads
  whose parent went out late, tell admin channels about channels the bot cannot reach;
* ``catch-up`` — once at start-up (and whenever this process takes the lease over): one sweep,
  and this month's digests if their moment has passed. Everything is idempotent through the
  ledger, so a catch-up after a restart posts only what was missed, once.

**One scheduler per deployment, enforced in the database.** Where it runs: `actiebot serve`
starts it as a process of its own next to the gunicorn workers (`actiebot scheduler`, see
bot/server.py; never in the workers, so adding workers adds no scheduler, and never in the
master, which forks the workers and so must hold no database connection), `actiebot socket` in
its own process; the Procfile runs one of them, and a web process next to
a worker gets `--no-scheduler`. Because a deployment can still start two by accident (a web and
a worker both without the flag, two dynos, a rolling restart), every scheduler first takes the
``scheduler`` lease (table ``scheduler_leases``, bot/services/lease.py): a row with its holder
and an expiry 20 seconds ahead, renewed every 5 seconds. Only the holder runs the jobs above;
the other schedulers stay idle and check every 5 seconds, so one takes over within 25 seconds
of the holder dying. Even if two ever ran a job at the same moment (a lease expiring mid-sweep),
each reminder and digest is a unique key in the ``deliveries`` ledger: claimed once, posted
once. A failed job is logged with a correlation id and never stops the scheduler.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings
from bot.domain import tenancy
from bot.domain.workdays import WorkCalendar
from bot.services import Deps, lease
from bot.services.calendars import AnyProgrammeCalendar
from bot.services.delivery import deliver_pending
from bot.services.digests import complete_threads, post_digests
from bot.services.reminders import (
    SWEEP_HOUR,
    complete_bundle_threads,
    report_channel_failures,
    sweep_reminders,
)

log = logging.getLogger("actiebot.scheduler")

OUTBOX_SECONDS = 5
SWEEP_WORKERS = 4  # many workspaces: how many workspaces are swept at once
PURGE_MINUTES = 60  # many workspaces: uninstalled workspaces past their retention period


class WorkingDayTrigger(BaseTrigger):  # type: ignore[misc]
    """Fires at ``hour:minute`` on working days; with ``first_of_month`` only on the first
    working day of each month. ``calendar`` is one ``WorkCalendar`` or the union of the
    programmes' calendars (``AnyProgrammeCalendar``)."""

    def __init__(self, calendar: WorkCalendar | AnyProgrammeCalendar, timezone: str,
                 hour: int = SWEEP_HOUR, minute: int = 0, first_of_month: bool = False) -> None:
        self.calendar = calendar
        self.timezone: tzinfo = ZoneInfo(timezone)
        self.hour, self.minute = hour, minute
        self.first_of_month = first_of_month

    def _day_on_or_after(self, day: Any) -> Any:
        if not self.first_of_month:
            return self.calendar.next_working_day(day)
        firsts = self._firsts(day.year, day.month)
        later = [first for first in firsts if first >= day]
        if later:
            return min(later)
        following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        return min(self._firsts(following.year, following.month))

    def _firsts(self, year: int, month: int) -> list[Any]:
        if isinstance(self.calendar, AnyProgrammeCalendar):
            return self.calendar.first_working_days_of_month(year, month)
        return [self.calendar.first_working_day_of_month(year, month)]

    def get_next_fire_time(self, previous_fire_time: datetime | None,
                           now: datetime) -> datetime | None:
        start = now if previous_fire_time is None else max(
            now, previous_fire_time + timedelta(seconds=1))
        local = start.astimezone(self.timezone)
        day = local.date()
        for _ in range(3):  # today's moment may have passed: then the next working day
            day = self._day_on_or_after(day)
            fire = datetime.combine(day, time(self.hour, self.minute), self.timezone)
            if fire >= local:
                return fire
            day = day + timedelta(days=1)
        return None  # pragma: no cover - three candidate days always contain a future one

    def __str__(self) -> str:
        which = "first working day of the month" if self.first_of_month else "working days"
        return f"{which} at {self.hour:02d}:{self.minute:02d}"


def FirstWorkingDayTrigger(calendar: WorkCalendar | AnyProgrammeCalendar, timezone: str,
                           hour: int = SWEEP_HOUR) -> WorkingDayTrigger:
    return WorkingDayTrigger(calendar, timezone, hour, first_of_month=True)


class Jobs:
    """The scheduled work, each guarded by the lease; a failure is logged, never raised."""

    def __init__(self, deps: Deps, holder: str | None = None) -> None:
        self.deps = deps
        self.holder = holder or lease.holder_id()
        self.held = False
        self._lock = threading.Lock()
        # How to catch up after taking the lease: in the scheduler, a one-off job of its own
        # (so that a long catch-up never delays the next renewal); directly otherwise.
        self.on_takeover: Any = self.catch_up
        self.purge: Callable[[], object] | None = None  # many workspaces: the retention rule
        # many workspaces: the installed ones; each one's reminders and digests are swept
        # on their own (bot/domain/tenancy.py), side by side, so that one workspace's rate
        # limit or failure neither delays nor stops another's, and an uninstalled workspace
        # is not swept at all
        self.workspaces: Callable[[], list[str]] | None = None
        # many workspaces: of those, the ones whose reminder sweep can find something due
        # today (read for all at once: bot/installs.py), so that the sweep costs what is due,
        # not what is installed; None: every installed workspace
        self.reminder_workspaces: Callable[[], list[str]] | None = None

    def _safe(self, name: str, job: Any) -> bool:
        try:
            job()
            return True
        except Exception as error:  # noqa: BLE001 - a failed job never stops the scheduler
            from handlers.errors import correlation_id, log_exception

            log_exception(correlation_id(), error)
            log.error("scheduled job %s failed; it runs again at its next time", name)
            return False

    def renew(self) -> bool:
        """Take or renew the lease; on taking it over, catch up."""
        held: list[bool] = []
        with self._lock:
            self._safe("lease", lambda: held.append(lease.hold(self.deps, self.holder)))
            was, self.held = self.held, bool(held and held[0])
        if self.held and not was:
            log.info("this process holds the scheduler lease and runs the scheduled jobs")
            self.on_takeover()
        elif was and not self.held:
            log.warning("scheduler lease lost (another process holds it, or the database is "
                        "unreachable): this process stays idle")
        return self.held

    def release(self) -> None:
        if self.held:
            self._safe("lease", lambda: lease.release(self.deps, self.holder))
            self.held = False

    def _swept(self, name: str, job: Callable[[], object],
               spaces: Callable[[], list[str]] | None = None) -> None:
        """``job`` once (one workspace), or once per installed workspace (or per workspace
        ``spaces`` names), each serving only that workspace, in parallel."""
        if self.workspaces is None:
            self._safe(name, job)
            return
        spaces = spaces or self.workspaces
        found: list[list[str]] = []
        if not self._safe(name, lambda: found.append(spaces())) or not found[0]:
            return

        def one(workspace: str) -> None:
            with tenancy.serving(workspace):
                self._safe(f"{name} ({workspace})", job)

        with ThreadPoolExecutor(max_workers=min(SWEEP_WORKERS, len(found[0])),
                                thread_name_prefix=name) as pool:
            list(pool.map(lambda w: contextvars.copy_context().run(one, w), found[0]))

    def reminders(self) -> None:
        if self.held:
            self._swept("reminders", lambda: sweep_reminders(self.deps),
                        self.reminder_workspaces)

    def digest(self) -> None:
        if self.held:
            self._swept("digest", lambda: post_digests(self.deps, self.deps.today(),
                                                       only_first_working_day=True))

    def catch_up_digests(self) -> None:
        """This month's digests of every programme whose first working day has passed."""
        if self.held:
            self._swept("digest", lambda: post_digests(self.deps, self.deps.today(),
                                                       only_started_months=True))

    def outbox(self) -> None:
        if not self.held:
            return

        def run() -> None:
            outcomes = deliver_pending(self.deps, keep_going=lambda: self.held)
            outcomes.extend(complete_threads(self.deps))
            outcomes.extend(complete_bundle_threads(self.deps))  # reminder bundles' threads
            report_channel_failures(self.deps, outcomes)

        self._safe("outbox", run)

    def purge_workspaces(self) -> None:
        """Many workspaces: the data of workspaces uninstalled longer than the retention
        period ago (bot/installs.py)."""
        purge = self.purge
        if self.held and purge is not None:
            self._safe("purge-workspaces", purge)

    def catch_up(self) -> None:
        """What the jobs would have done while nobody ran them: idempotent, so safe anytime."""
        if not self.held:
            return
        self.reminders()
        deps = self.deps
        today = deps.today()
        first = AnyProgrammeCalendar.of(deps).first_working_day_of_month(today.year, today.month)
        moment = datetime.combine(first, time(SWEEP_HOUR), ZoneInfo(deps.timezone))
        if deps.now() >= moment:
            self.catch_up_digests()
        self.outbox()


class LeasedScheduler(BackgroundScheduler):  # type: ignore[misc]
    """A BackgroundScheduler that gives the lease back when it shuts down, so that a standby
    takes over at once instead of after the lease's expiry."""

    def __init__(self, jobs: Jobs, **options: Any) -> None:
        super().__init__(**options)
        self.jobs = jobs

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait=wait)
        self.jobs.release()


def build_scheduler(settings: Settings, deps: Deps, jobs: Jobs | None = None,
                    purge: Callable[[], object] | None = None,
                    workspaces: Callable[[], list[str]] | None = None,
                    reminder_workspaces: Callable[[], list[str]] | None = None,
                    ) -> tuple[LeasedScheduler, Jobs]:
    jobs = jobs or Jobs(deps)
    jobs.purge = purge or jobs.purge
    jobs.workspaces = workspaces or jobs.workspaces
    jobs.reminder_workspaces = reminder_workspaces or jobs.reminder_workspaces
    scheduler = LeasedScheduler(jobs, timezone=ZoneInfo(settings.timezone))
    jobs.on_takeover = lambda: scheduler.add_job(
        jobs.catch_up, id="catch-up", replace_existing=True, misfire_grace_time=None)
    common: dict[str, Any] = {"coalesce": True, "max_instances": 1, "replace_existing": True,
                              "misfire_grace_time": 3600}
    scheduler.add_job(jobs.renew, IntervalTrigger(seconds=lease.RENEW_SECONDS), id="lease",
                      next_run_time=datetime.now(ZoneInfo(settings.timezone)), **common)
    calendar = AnyProgrammeCalendar.of(deps)
    scheduler.add_job(jobs.reminders, WorkingDayTrigger(calendar, settings.timezone),
                      id="reminders", **common)
    scheduler.add_job(jobs.digest, FirstWorkingDayTrigger(calendar, settings.timezone),
                      id="digest", **common)
    scheduler.add_job(jobs.outbox, IntervalTrigger(seconds=OUTBOX_SECONDS), id="outbox",
                      **common)
    if jobs.purge is not None:
        scheduler.add_job(jobs.purge_workspaces, IntervalTrigger(minutes=PURGE_MINUTES),
                          id="purge-workspaces", **common)
    return scheduler, jobs


def start_scheduler(settings: Settings, deps: Deps, purge: Callable[[], object] | None = None,
                    workspaces: Callable[[], list[str]] | None = None,
                    reminder_workspaces: Callable[[], list[str]] | None = None,
                    ) -> BackgroundScheduler:
    """Start the jobs; the first lease renewal (right away) runs the catch-up sweep."""
    scheduler, _jobs = build_scheduler(settings, deps, purge=purge, workspaces=workspaces,
                                       reminder_workspaces=reminder_workspaces)
    scheduler.start()
    log.info("scheduler started (timezone %s)", settings.timezone)
    return scheduler
