"""The update modal and the new-activity modal (Block Kit views), their inline errors and the
activity picker's options. Wording Dutch first, English second.

Block ids are the field names the services use (bot/services/changes.py: FieldErrors), so that
an error lands under its own field; the privacy middleware (handlers/guards.py) uses the same
block ids. Slack's limits (api.slack.com/reference/block-kit): a view title 24 characters,
labels 2,000, an option's text 75 and value 150, 100 options, 100 blocks a modal,
private_metadata 3,000.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.model import Precision, Status
from bot.services import results as r
from handlers import ids
from handlers.render.dates import format_due
from handlers.render.messages import compose
from handlers.render.refusals import personal_data_field_error
from handlers.render.wording import Lang, Reply, status_label, t, title

MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_OPTIONS = 100
MAX_METADATA = 3000
MAX_INITIAL = 3000
NOTE_MAX = 2000


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain(text: str) -> PlainTextObject:
    return PlainTextObject(text=text, emoji=True)


def option(text: str, value: str, description: str | None = None) -> Option:
    return Option(text=_plain(_short(text, MAX_OPTION_TEXT)), value=value[:MAX_OPTION_VALUE],
                  description=_plain(_short(description, MAX_OPTION_TEXT)) if description else None)


def status_option(status: Status, lang: Lang) -> Option:
    return option(status_label(status, lang), status.value)


def metadata(**values: str | None) -> str:
    """private_metadata: where the modal came from. Only ids, looked up again on submit."""
    text = json.dumps({k: v for k, v in values.items() if v}, separators=(",", ":"))
    return text if len(text) <= MAX_METADATA else "{}"


def read_metadata(view: dict[str, Any]) -> dict[str, str]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


# -- the update modal ------------------------------------------------------------------------

def update_modal(form: r.UpdateForm, lang: Lang, origin: str | None = None,
                 channel: str | None = None) -> View:
    a = form.activity
    blocks: list[Block] = []
    if a is None:
        blocks.append(InputBlock(
            block_id="activity", label=_plain(t(lang, "Activiteit", "Activity")),
            element=ExternalDataSelectElement(
                action_id=ids.ACTION_PICK_ACTIVITY, min_query_length=0,
                placeholder=_plain(t(lang, "Typ een paar woorden of een werkgroep",
                                     "Type a few words or a working group")))))
    else:
        line = f"{title(a)}\n{status_label(a.status, lang)}"
        line += " · " + (t(lang, "deadline ", "due ") + format_due(a.due, lang) if a.due
                         else t(lang, "geen deadline", "no deadline"))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_short(line, 3000))))
    current = a.status if a else Status.ON_TRACK
    blocks.append(InputBlock(
        block_id="status", label=_plain(t(lang, "Status", "Status")),
        element=StaticSelectElement(
            action_id="status", options=[status_option(s, lang) for s in Status],
            initial_option=status_option(current, lang))))
    blocks.append(InputBlock(
        block_id="note", optional=True, label=_plain(t(lang, "Toelichting", "Note")),
        hint=_plain(t(lang, "Geen casusgegevens: geen namen, BSN of telefoonnummers.",
                      "No case details: no names, BSN or phone numbers.")),
        element=PlainTextInputElement(
            action_id="note", multiline=True, max_length=NOTE_MAX,
            initial_value=form.note[:NOTE_MAX] or None)))
    day = a.due.value if a and a.due and a.due.precision == Precision.DAY else None
    blocks.append(InputBlock(
        block_id="due_day", optional=True,
        label=_plain(t(lang, "Nieuwe deadline (datum)", "New deadline (date)")),
        element=DatePickerElement(action_id="due_day",
                                  initial_date=day.isoformat() if day else None)))
    blocks.append(InputBlock(
        block_id="due_text", optional=True,
        label=_plain(t(lang, "… of een maand of kwartaal", "… or a month or quarter")),
        element=PlainTextInputElement(
            action_id="due_text", max_length=60,
            placeholder=_plain(t(lang, "bijv. december 2021, Q3 2022", "e.g. december 2021, Q3 2022")))))
    blocks.append(InputBlock(
        block_id="reason", optional=True,
        label=_plain(t(lang, "Reden van verplaatsen", "Reason for moving it")),
        hint=_plain(t(lang, "Verplicht als de deadline verschuift.",
                      "Required when the deadline moves.")),
        element=PlainTextInputElement(action_id="reason", multiline=True, max_length=NOTE_MAX)))
    return View(
        type="modal", callback_id=ids.VIEW_UPDATE,
        title=_plain(t(lang, "Activiteit bijwerken", "Update activity")),
        submit=_plain(t(lang, "Opslaan", "Save")), close=_plain(t(lang, "Annuleren", "Cancel")),
        private_metadata=metadata(a=f"{a.programme_key}/{a.key}" if a else None, o=origin,
                                  c=channel),
        blocks=blocks)


# -- the new-activity modal ------------------------------------------------------------------

def new_activity_modal(form: r.NewActivityForm, lang: Lang, channel: str | None = None) -> View:
    groups = [option(c.group.name, f"{c.programme_key}/{c.group.key}")
              for c in form.groups][:MAX_OPTIONS]
    goals = [option(name, f"{p}/{key}") for p, key, name in form.goals][:MAX_OPTIONS]
    blocks: list[Block] = [
        InputBlock(block_id="title", label=_plain(t(lang, "Titel", "Title")),
                   element=PlainTextInputElement(action_id="title", max_length=500,
                                                 initial_value=form.title or None)),
        InputBlock(block_id="group", label=_plain(t(lang, "Werkgroep", "Working group")),
                   element=StaticSelectElement(
                       action_id="group", options=groups,
                       initial_option=groups[0] if len(groups) == 1 else None)),
    ]
    if goals:
        blocks.append(InputBlock(
            block_id="goal", optional=True, label=_plain(t(lang, "Doel", "Goal")),
            element=StaticSelectElement(action_id="goal", options=goals)))
    blocks += [
        InputBlock(block_id="theme", optional=True, label=_plain(t(lang, "Thema", "Theme")),
                   element=PlainTextInputElement(action_id="theme", max_length=300)),
        InputBlock(block_id="owners", optional=True,
                   label=_plain(t(lang, "Eigenaren (één per regel)", "Owners (one per line)")),
                   element=PlainTextInputElement(action_id="owners", multiline=True,
                                                 max_length=3000)),
        InputBlock(block_id="due_day", optional=True,
                   label=_plain(t(lang, "Deadline (datum)", "Deadline (date)")),
                   element=DatePickerElement(action_id="due_day")),
        InputBlock(block_id="due_text", optional=True,
                   label=_plain(t(lang, "… of een maand of kwartaal", "… or a month or quarter")),
                   element=PlainTextInputElement(
                       action_id="due_text", max_length=60,
                       placeholder=_plain(t(lang, "bijv. december 2021", "e.g. december 2021")))),
        InputBlock(block_id="milestones", optional=True,
                   label=_plain(t(lang, "Mijlpalen (één per regel)", "Milestones (one per line)")),
                   hint=_plain(t(lang, "Bijvoorbeeld: Onderzoek en advies: maart 2021",
                                 "For example: Research and advice: March 2021")),
                   element=PlainTextInputElement(action_id="milestones", multiline=True,
                                                 max_length=3000)),
        ContextBlock(elements=[MarkdownTextObject(text=t(
            lang, "Geen casusgegevens: Actiebot bewaart alleen programma-activiteiten.",
            "No case details: Actiebot only keeps programme activities."))]),
    ]
    return View(
        type="modal", callback_id=ids.VIEW_NEW,
        title=_plain(t(lang, "Nieuwe activiteit", "New activity")),
        submit=_plain(t(lang, "Toevoegen", "Add")), close=_plain(t(lang, "Annuleren", "Cancel")),
        private_metadata=metadata(c=channel), blocks=blocks)


# -- after a submission ----------------------------------------------------------------------

PROBLEMS = {
    "required": ("Kies of vul dit in.", "Choose or fill in this field."),
    "missing_reason": ("Geef een reden: de deadline verschuift.",
                       "Give a reason: the deadline moves."),
    "bad_date": (
        "Dit lees ik niet als deadline. Bijvoorbeeld: december 2021, Q3 2022, 2022-03-31.",
        "I can't read this as a deadline. For example: december 2021, Q3 2022, 2022-03-31."),
    "two_dates": ("Kies een datum óf typ een maand, niet allebei.",
                  "Pick a date or type a month, not both."),
    "too_long": ("Dit is te lang.", "This is too long."),
    "no_change": (
        ("Er verandert niets: kies een andere status, schrijf een toelichting of verplaats de "
        "deadline."),
        "Nothing changes: choose another status, write a note or move the deadline."),
}


def field_errors(result: r.FieldErrors, lang: Lang, blocks: set[str]) -> dict[str, str]:
    """`response_action: errors`: one message under each field (only block ids the view has);
    a refusal says what kind of data, or who may, never the text itself."""
    errors: dict[str, str] = {}
    for field, problem in result.errors:
        block = field if field in blocks else ("status" if "status" in blocks else
                                               next(iter(sorted(blocks))))
        if isinstance(problem, r.Refused):
            text = (personal_data_field_error(problem.kinds, lang)
                    if problem.reason == "personal_data" else compose(problem, lang).text)
        else:
            text = t(lang, *PROBLEMS.get(problem, PROBLEMS["required"]))
        errors.setdefault(block, _short(text, 2000))
    return errors


def done_view(replies: list[Reply], lang: Lang) -> View:
    """What the modal turns into after a successful submission."""
    blocks: list[Block] = []
    blocks += [SectionBlock(text=MarkdownTextObject(text=_short(section, 3000)))
               for reply in replies for section in reply.sections][:20]
    context = next((reply.context for reply in reversed(replies) if reply.context), None)
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_short(context, 3000))]))
    return View(type="modal", title=_plain(t(lang, "Opgeslagen", "Saved")),
                close=_plain(t(lang, "Sluiten", "Close")), blocks=blocks)


def notice_view(title: str, replies: list[Reply], lang: Lang) -> View:
    """What the modal says while a submission is still being saved ("Nog bezig"), or when it
    turned out not saved (a refusal, a failure, an unknown outcome): text only, a close
    button. ``title`` at most 24 characters, as Slack allows."""
    blocks: list[Block] = []
    blocks += [SectionBlock(text=MarkdownTextObject(text=_short(section, 3000)))
               for reply in replies for section in reply.sections][:20]
    return View(type="modal", title=_plain(_short(title, 24)),
                close=_plain(t(lang, "Sluiten", "Close")), blocks=blocks)


def activity_options(result: r.ActivityOptions, lang: Lang) -> dict[str, Any]:
    """The picker's answer: option groups "Mijn werkgroepen" / "Overige" when both exist."""
    def one(o: r.ActivityOption) -> Option:
        closed = t(lang, " (afgerond)", " (closed)") if o.status.is_closed else ""
        return option(_short(o.title, MAX_OPTION_TEXT - len(closed)) + closed, o.id)

    mine = [one(o) for o in result.options if o.mine]
    other = [one(o) for o in result.options if not o.mine]
    if mine and other:
        return {"option_groups": [
            OptionGroup(label=_plain(t(lang, "Mijn werkgroepen", "My working groups")),
                        options=mine).to_dict(),
            OptionGroup(label=_plain(t(lang, "Overige", "Other")), options=other).to_dict()]}
    return {"options": [o.to_dict() for o in mine + other]}


def values(view: dict[str, Any]) -> dict[str, Any]:
    """block_id -> the element's value: text, a selected option's value, a date."""
    found: dict[str, Any] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, elements in state.items():
        for element in (elements or {}).values():
            if not isinstance(element, dict):
                continue
            if "selected_option" in element:
                chosen = element.get("selected_option") or {}
                found[block_id] = chosen.get("value")
            elif "selected_date" in element:
                found[block_id] = element.get("selected_date")
            else:
                found[block_id] = element.get("value")
    return found

