"""Programme files with personal data are refused whole, naming the line, never the data --
in values and in mapping keys (an owner name in `members:` is a key)."""

from __future__ import annotations

import pytest

from storage.programme_file import ProgrammeFileError, read_text

BASE = """programme: {key: p1, name: "Programma"}
working_groups:
  - key: wg-a
    name: "Werkgroep A"
    members:
      %s: [U0123ABCD]
activities:
  - key: a1
    title: "Activiteit"
    working_group: wg-a
    result: %s
"""


@pytest.mark.parametrize(("owner", "result", "line", "kind", "hidden"), [
    ('"Jan 06-12345678"', '"3091 meldingen"', 6, "phone", "12345678"),
    ('"Veilig Thuis"', '"mail j.jansen@example.nl"', 11, "email", "jansen@"),
    ('"Veilig Thuis"', '"kind geb. 03-04-2015"', 11, "birth_date", "03-04-2015"),
    ('"BSN 123456782"', '"€ 147.125"', 6, "bsn", "123456782"),
])
def test_personal_data_refuses_the_file_and_names_the_line_not_the_data(
        owner: str, result: str, line: int, kind: str, hidden: str) -> None:
    with pytest.raises(ProgrammeFileError) as refused:
        read_text(BASE % (owner, result), "p1.yaml")
    text = str(refused.value)
    assert f"p1.yaml:{line}:" in text and f"personal data ({kind})" in text
    assert hidden not in text


def test_the_programmes_own_figures_pass() -> None:
    files = read_text(BASE % ('"Veilig Thuis"', ('"3091 meldingen, € 147.125, 2021-10-31, Q3 2021, '
                                                  'RM 1870737, INT-21-60322"')), "p1.yaml")
    assert files[0].working_groups[0].members == {"Veilig Thuis": ("U0123ABCD",)}
