"""The command table (bot/services/commands.py) is the one list of commands: every `Command`
type has a row, the kinds are what the commands do, and the one parse undoes Slack's escaping."""

from __future__ import annotations

import typing

import pytest

from bot.domain import grammar
from bot.domain.model import Status
from bot.services import commands
from bot.services.commands import Depends, Kind, read, row_of

COMMAND_TYPES = [*typing.get_args(grammar.Command), grammar.Usage]


@pytest.mark.parametrize("command_type", COMMAND_TYPES, ids=lambda t: t.__name__)
def test_every_command_type_has_a_row_for_every_variant(command_type: type) -> None:
    rows = [row for row in commands.TABLE if row.command is command_type]
    assert rows, f"{command_type.__name__} has no row in the command table"
    assert rows[-1].when is None, "the last row of a type takes every variant"
    assert all(row.when is not None for row in rows[:-1])


def test_a_type_missing_from_the_table_is_refused_loudly() -> None:
    class NotACommand:
        pass

    with pytest.raises(LookupError):
        row_of(NotACommand())  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "kind", "refuse_replay"), [
    ("wie MDA++", Kind.QUESTION, False),
    ("status", Kind.QUESTION, False),
    ("binnenkort 60", Kind.QUESTION, False),
    ("help", Kind.QUESTION, False),
    ("blabla", Kind.QUESTION, False),
    ("indicator", Kind.QUESTION, False),
    ("indicator vt-meldingen", Kind.QUESTION, False),
    ("indicator vt-meldingen 2021 700", Kind.CHANGE, True),  # recording a value writes
    ("update MDA++ gereed klaar", Kind.CHANGE, True),
    ("verplaats MDA++ mei 2022 wachten op de gemeente", Kind.CHANGE, True),
    ("koppel THV", Kind.CHANGE, True),
    ("update MDA++", Kind.SURFACE, False),
    ("nieuw", Kind.SURFACE, False),
    ("rapport 2021", Kind.SURFACE, True),  # uploads to the channel
])
def test_each_command_s_kind_and_replay_rule(text: str, kind: Kind, refuse_replay: bool) -> None:
    row = row_of(read(text))
    assert (row.kind, row.refuse_replay) == (kind, refuse_replay)


def test_only_questions_are_kept_and_a_question_about_the_channel_depends_on_it() -> None:
    for row in commands.TABLE:
        assert not row.keep or row.kind is Kind.QUESTION
    assert row_of(read("status")).depends & Depends.CHANNEL
    assert not row_of(read("status MDA++")).depends & Depends.CHANNEL
    assert row_of(read("lijst THV")).depends == Depends.GROUP
    assert row_of(read("wanneer MDA++")).depends & Depends.DAY


def test_the_one_parse_undoes_slacks_escaping_before_the_grammar() -> None:
    note = "&" * 900
    command = read("update THV risico " + "&amp;" * 900)
    assert command == grammar.Update("THV", Status.AT_RISK, note)
    assert read("update B&amp;W gereed &lt;klaar&gt;") == grammar.Update(
        "B&W", Status.DONE, "<klaar>")


def test_the_one_parse_knows_a_custom_command_name() -> None:
    assert read("mijnactie update THV risico later", "/mijnactie") == grammar.Update(
        "THV", Status.AT_RISK, "later")
