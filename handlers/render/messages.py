"""`compose(result, lang)`: a service result as a `Reply`, in the user's language.

This is the one entry point that picks the surface's wording module for a result; the
wording itself lives per surface: answers.py (questions), changes.py (updates, announcements,
reminder buttons), reminders.py, digests.py, refusals.py (refusals and errors), modals.py,
home.py, report_words.py (report and indicators), text.py (Slack surfaces as console text).
Shared helpers (`Reply`, `t`, `escape`, labels) are in wording.py. `blocks.py` turns a Reply
into Block Kit; `text.py` into console text.
"""

from __future__ import annotations

from dataclasses import replace

from bot.services import report_results as rr
from bot.services import results as r
from handlers.render import answers, changes, digests, refusals, reminders
from handlers.render.changes import announcement, button_trace
from handlers.render.digests import digest_reply, digest_summary
from handlers.render.refusals import channel_problem, error_reply, personal_data_field_error
from handlers.render.reminders import reminder, sweep_summary
from handlers.render.report_words import report_reply
from handlers.render.text import surface_text
from handlers.render.wording import (
    ActionReply,
    Button,
    Lang,
    Reply,
    change_text,
    due_text,
    escape,
    group_name,
    language_for,
    more,
    status_label,
    t,
    title,
    update_line,
    working_days,
)

# Names that callers imported from this module before the wording was split by surface;
# they stay importable from here. New code imports them from their own module.
__all__ = [
    "ActionReply", "Button", "Lang", "Reply", "announcement", "button_answer", "button_trace",
    "change_text", "channel_problem", "compose", "digest_reply", "digest_summary", "due_text",
    "error_reply", "escape", "group_name", "language_for", "more", "personal_data_field_error",
    "reminder", "status_label", "surface_text", "sweep_summary", "t", "title", "update_line",
    "working_days",
]

REPORT_RESULTS = (rr.ReportReady, rr.ReportProblem, rr.BadPeriod, rr.IndicatorAnswer,
                  rr.IndicatorRecorded, rr.IndicatorList, rr.UnknownIndicator,
                  rr.BadIndicatorValue)


def compose(result: r.Result, lang: Lang, tz: str = "Europe/Amsterdam") -> Reply:
    reply = _compose(result, lang, tz)
    activity = getattr(result, "activity", None)
    if getattr(activity, "archived", False):  # its programme is archived: say so
        note = t(lang, "🗄 _Archief: dit programma is gearchiveerd; er gaan geen herinneringen "
                       "of overzichten meer uit._",
                 "🗄 _Archive: this programme is archived; no more reminders or digests._")
        reply = replace(reply, context=f"{reply.context}\n{note}" if reply.context else note)
    return reply


def _compose(result: r.Result, lang: Lang, tz: str) -> Reply:
    match result:
        case r.HelpAnswer():
            return answers.help_answer(result, lang)
        case r.UsageAnswer():
            return answers.usage_answer(result, lang)
        case r.UnknownRef():
            return answers.unknown_ref(result, lang)
        case r.AmbiguousRef():
            return answers.ambiguous_ref(result, lang)
        case r.EmptyGroup():
            return answers.empty_group(result, lang)
        case r.OwnersAnswer():
            return answers.owners_answer(result, lang)
        case r.DeadlineAnswer():
            return answers.deadline_answer(result, lang)
        case r.StatusAnswer():
            return answers.status_answer(result, lang, tz)
        case r.GroupStatusAnswer():
            return answers.group_status_answer(result, lang)
        case r.UpdateRecorded():
            return changes.recorded(result, lang)
        case r.Refused():
            return refusals.refused(result, lang)
        case r.HistoryAnswer():
            return answers.history_answer(result, lang, tz)
        case r.DueListAnswer():
            return answers.due_list_answer(result, lang)
        case r.GroupsAnswer():
            return answers.groups_answer(result, lang)
        case r.ActivityListAnswer():
            return answers.activity_list_answer(result, lang)
        case r.LinkAnswer():
            return changes.linked(result, lang)
        case r.OverviewAnswer():
            return answers.overview(result, lang)
        case r.ReminderNotice():
            return reminders.reminder(result, lang, tz)
        case r.ReminderBundle():
            return reminders.bundle(result, lang, tz)
        case r.DigestMessage():
            return digests.digest_reply(result, lang, tz)
        case r.ChannelProblem():
            return refusals.channel_problem(result, lang)
        case r.SnoozeRecorded() | r.MilestoneDone() | r.AlreadyClosed():
            return button_answer(result, lang)
        case r.SweepReport():
            return reminders.sweep_summary(result, lang)
        case r.DigestReport():
            return digests.digest_summary(result, lang)
        case r.Announcement(activity=activity, update=update, group=group):
            return changes.announcement(activity, update, group, lang, tz)
        case (r.UpdateForm() | r.NewActivityForm() | r.FieldErrors() | r.ActivityOptions()
              | r.HomeDashboard()):
            return surface_text(result, lang)
    if isinstance(result, REPORT_RESULTS):  # the council report and indicators
        text, sections = report_reply(result, lang)
        return Reply(text, sections)
    raise AssertionError(result)  # pragma: no cover


def button_answer(result: r.Result, lang: Lang) -> Reply:
    """The confirmation shown only to whoever clicked a reminder button; any other outcome
    of a click (a refusal, an update recorded) is worded as it would be anywhere else."""
    return changes.button_confirmation(result, lang) or compose(result, lang)
