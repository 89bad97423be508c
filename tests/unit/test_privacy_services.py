"""bot/services/privacy.py: the one guard for free text, and the helpers of forget-user."""

from __future__ import annotations

import pytest

from bot.domain.privacy import PiiKind
from bot.services.privacy import (
    is_slack_user_id,
    new_pseudonym,
    refuse_personal_data,
    replace_mentions,
)
from bot.services.results import Refused


def test_clean_or_empty_texts_pass_the_guard() -> None:
    assert refuse_personal_data(None, "", "3091 meldingen, € 147.125, Q3 2021") is None


def test_the_guard_names_every_kind_in_every_text_once() -> None:
    refused = refuse_personal_data("bel 06-12345678", "BSN 123456782 en 0612345678")
    assert refused == Refused("personal_data", (PiiKind.BSN, PiiKind.PHONE))


@pytest.mark.parametrize(("note", "expected"), [
    ("<@U0ALICE01> pakt het op", "vergeten-1 pakt het op"),
    ("<@U0ALICE01|alice> en <@U0BOB0002|bob>", "vergeten-1 en <@U0BOB0002|bob>"),
    ("gesproken met U0ALICE01.", "gesproken met vergeten-1."),
    ("U0ALICE012 is iemand anders", "U0ALICE012 is iemand anders"),
])
def test_mentions_of_the_user_become_the_pseudonym(note: str, expected: str) -> None:
    assert replace_mentions(note, "U0ALICE01", "vergeten-1") == expected


def test_pseudonyms_are_random_and_user_ids_are_recognised() -> None:
    assert new_pseudonym() != new_pseudonym()
    assert new_pseudonym().startswith("vergeten-") and len(new_pseudonym()) == 19
    assert is_slack_user_id("U0123ABCD") and is_slack_user_id("W0123ABCD")
    assert not is_slack_user_id("alice") and not is_slack_user_id("U0123ABCD; DROP")
