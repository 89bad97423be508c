"""Issue 9 item 8: owners as a list (a name may contain a comma); deadline wording that reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.model import Activity, DueDate, Precision, Status, StatusUpdate, WorkingGroup
from bot.services import results as r
from handlers.render.messages import compose
from handlers.render.text import render

OWNERS = ("Werkgroep MDA++, Hoe verder?", "Stuurgroep Veilig Thuis")
GROUP = WorkingGroup("wg-mda", "Werkgroep MDA++, Hoe verder?", channel="C0MDA0001")
MARCH = DueDate(date(2021, 3, 31), Precision.MONTH)
ACTIVITY = Activity("mda-advies", "Advies Hoe verder?", programme_key="p", owners=OWNERS,
                    working_group="wg-mda", due=MARCH, status=Status.ON_TRACK)
UPDATE = StatusUpdate(datetime(2021, 3, 1, 12, tzinfo=UTC), "U0ALICE01", Status.NOT_STARTED,
                      Status.ON_TRACK, "")


def test_a_reminder_lists_owners_one_per_line() -> None:
    notice = r.ReminderNotice(ACTIVITY, GROUP, None, MARCH, "before-5", "before",
                              date(2021, 3, 24), 5, UPDATE, {"Stuurgroep Veilig Thuis": ("U0VT1",)})
    for lang, head in (("nl", "Eigenaren:"), ("en", "Owners:")):
        section = compose(notice, lang).sections[0]
        lines = section.split("\n")
        at = lines.index(head)
        assert lines[at + 1] == "• Werkgroep MDA++, Hoe verder?"
        assert lines[at + 2] == "• Stuurgroep Veilig Thuis (<@U0VT1>)"
        assert "Hoe verder?, Stuurgroep" not in section


def test_wie_lists_every_owner_and_says_there_are_more_in_the_fallback() -> None:
    reply = compose(r.OwnersAnswer(ACTIVITY, GROUP), "nl")
    assert "• Werkgroep MDA++, Hoe verder?\n• Stuurgroep Veilig Thuis" in reply.sections[0]
    assert reply.text == "Advies Hoe verder?: Werkgroep MDA++, Hoe verder? (en 1 meer)"


def test_wanneer_reads_as_a_sentence_in_both_languages() -> None:
    answer = r.DeadlineAnswer(ACTIVITY, GROUP, date(2021, 3, 1), 22)
    dutch, english = render(compose(answer, "nl")), render(compose(answer, "en"))
    assert dutch.startswith("Deadline van Advies Hoe verder? (mda-advies): maart 2021 "
                            "(nog 22 werkdagen).")
    assert english.startswith("Deadline of Advies Hoe verder? (mda-advies): March 2021 "
                              "(22 working days left).")
    assert "in/op" not in dutch


def test_fallback_texts_of_surfaces_escape_titles_once() -> None:
    from bot.domain.model import UpdateEvent
    from handlers.render.changes import announcement

    odd = Activity("bw", "B&W <besluit>", programme_key="p", owners=OWNERS, due=MARCH)
    moved = StatusUpdate(datetime(2021, 3, 1, 12, tzinfo=UTC), "U0ALICE01", Status.ON_TRACK,
                         Status.ON_TRACK, "raad <1 april>", event=UpdateEvent.RESCHEDULE,
                         old_due=MARCH, new_due=DueDate(date(2021, 4, 30), Precision.MONTH))
    created = StatusUpdate(datetime(2021, 3, 1, 12, tzinfo=UTC), "U0ALICE01", None,
                           Status.NOT_STARTED, "", event=UpdateEvent.CREATED)
    for update in (moved, created):
        reply = announcement(odd, update, GROUP, "nl", "Europe/Amsterdam")
        assert "B&amp;W &lt;besluit&gt;" in reply.text and "B&W" not in reply.text
    listed = announcement(odd, created, GROUP, "nl", "Europe/Amsterdam")
    assert "Eigenaren:\n• Werkgroep MDA++, Hoe verder?\n• Stuurgroep Veilig Thuis" in "\n".join(
        listed.sections)
