"""`actiebot privacy-report`: the personal data the database holds now, as counts per kind, for
the processing register; never a value (no id, name or note) on the screen. A real process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PROGRAMME = """
programme: {key: register, name: "Registertest", timezone: Europe/Amsterdam, admins: [U0ADMIN001]}
working_groups:
  - key: wg-a
    name: "Werkgroep A"
    channel: C0A0000001
    members: {"Veilig Thuis": [U0ALICE001, U0BOB00002], "GGD": [U0ALICE001]}
activities:
  - key: act
    title: "Evaluatie"
    working_group: wg-a
    updates:
      - {at: "2021-03-01T10:00:00+01:00", author: U0ALICE001, author_name: alice,
         status: op-schema, note: "<@U0CAROL003|carol> pakt het op"}
      - {at: "2021-04-01T10:00:00+01:00", author: U0BOB00002, author_name: bob,
         status: risico, note: "loopt uit"}
      - {at: "2021-05-01", author: "Raadsinformatiebrief", status: risico,
         note: "besproken in de raad"}
"""


def _counts(stdout: str) -> dict[str, int]:
    return {label.strip(): int(value) for label, value in
            re.findall(r"^  ([^:\n]+): (\d+)", stdout, re.MULTILINE)}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_privacy_report_counts_each_kind_and_shows_no_value(cli, tmp_path: Path) -> None:
    assert cli("db", "upgrade").returncode == 0  # an empty database (reading creates none)
    empty = cli("privacy-report")
    assert empty.returncode == 0, empty.stderr
    assert set(_counts(empty.stdout).values()) == {0}

    source = tmp_path / "register.yaml"
    source.write_text(PROGRAMME, encoding="utf-8")
    assert cli("import", str(source)).returncode == 0
    result = cli("privacy-report", env={"ACTIEBOT_ADMINS": "U0OPS00001,U0ADMIN001"})
    assert result.returncode == 0, result.stderr
    counts = _counts(result.stdout)
    by_start = {label.split(" / ")[0]: n for label, n in counts.items()}
    assert by_start["Slack-gebruikers-id's"] == 4  # alice, bob, carol, the file's admin
    assert by_start["logregels door een persoon"] == 2
    assert by_start["weergavenamen"] == 2
    assert by_start["koppelingen eigenaar-gebruiker"] == 3
    assert by_start["gekoppelde gebruikers"] == 2
    assert by_start["beheerders ACTIEBOT_ADMINS"] == 2
    assert by_start["beheerders in programmabestanden"] == 1
    assert by_start["toelichtingen die een persoon noemen"] == 1
    assert by_start["toelichtingen die de privacyfilter nu zou weigeren"] == 0  # import guards
    assert by_start["status_updates.author"] == 2
    assert by_start["working_group_members.slack_user_id"] == 3
    for secret in ("U0ALICE001", "U0BOB00002", "U0CAROL003", "U0ADMIN001", "U0OPS00001",
                   "alice", "bob", "carol", "loopt uit", "Raadsinformatiebrief"):
        assert secret not in result.stdout + result.stderr

    forgotten = cli("forget-user", "U0BOB00002")
    assert forgotten.returncode == 0, forgotten.stderr
    after = {label.split(" / ")[0]: n for label, n in _counts(cli("privacy-report").stdout).items()}
    assert after["vergeten gebruikers"] == 1
    assert after["Slack-gebruikers-id's"] == 3
    assert after["gekoppelde gebruikers"] == 1
