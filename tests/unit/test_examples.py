"""The example programme files are well-formed and faithful to the documents they transcribe.

Only PyYAML and the seed texts are used, so these tests do not depend on the importer. The seeds are
PDF extractions with odd line breaks, so text is compared after normalising whitespace (and, for
loose comparisons, punctuation). They live in ``shared/seeds`` beside the repository checkout.
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SEEDS = Path(os.environ.get("ACTIEBOT_SEEDS", REPO.parent / "shared" / "seeds"))

KENNEMERLAND = EXAMPLES / "kennemerland-2021.yaml"
GOOI = EXAMPLES / "gooi-en-vechtstreek.yaml"
FILES = [KENNEMERLAND, GOOI]

STATUS_WORDS = {
    "niet-gestart",
    "not-started",
    "op-schema",
    "on-track",
    "risico",
    "at-risk",
    "vertraagd",
    "delayed",
    "gereed",
    "done",
    "vervallen",
    "cancelled",
}
CLOSED = {"gereed", "done", "vervallen", "cancelled"}

MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
DUE_PATTERNS = [
    rf"\d{{1,2}} ({MONTHS}) \d{{4}}",  # 31 oktober 2021
    rf"(eind |begin )?({MONTHS}) \d{{4}}",  # oktober 2021, eind maart 2021
    r"Q[1-4] \d{4}",  # Q3 2021
    r"H[12] \d{4}",  # H1 2021
    r"(voorjaar|zomer|najaar|winter) \d{4}",
    r"\d{4}",  # 2021
    r"\d{4}-\d{2}-\d{2}",  # 2021-10-31
]

# Source documents of the Gooi en Vechtstreek updates: author -> (seed number, date).
GOOI_SOURCES = {
    "1ste voortgangsrapportage": (2, "2020-03-30"),
    "Raadsinformatiebrief Hilversum": (0, "2020-09-01"),
    "Raadsinformatiebrief Gooise Meren": (1, None),  # the letter is undated (early 2021)
    "2de voortgangsrapportage": (3, "2021-06-16"),
}


# ---- helpers --------------------------------------------------------------------------------


def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), f"{path.name}: top level must be a mapping"
    return data


def norm(text: str) -> str:
    """Whitespace-normalised text (PDF line breaks and double spaces collapse)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def words(text: str) -> str:
    """Case-folded words separated by one space: ignores punctuation and 'pleger- aanpak' breaks."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold()))


def squash(text: str) -> str:
    """Letters and digits only: survives words hyphenated across PDF lines ('ouderen- mishandeling')."""
    return "".join(re.findall(r"\w", unicodedata.normalize("NFC", text).casefold()))


def contains_words(haystack: str, needle: str) -> bool:
    return f" {words(needle)} " in f" {words(haystack)} "


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join(
        "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split()
    )


@cache
def seed(number: int) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS} (expected shared/seeds beside the repo)")
    matches = sorted(SEEDS.glob(f"{number:03d}_*.txt"))
    assert matches, f"no seed {number:03d}_*.txt in {SEEDS}"
    return matches[0].read_text(encoding="utf-8")


def by_key(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in items}


def open_activities(data: dict[str, Any], group: str) -> list[str]:
    return [
        a["key"]
        for a in data["activities"]
        if a["working_group"] == group and a.get("status", "niet-gestart") not in CLOSED
    ]


@pytest.fixture(scope="module")
def kennemerland() -> dict[str, Any]:
    return load(KENNEMERLAND)


@pytest.fixture(scope="module")
def gooi() -> dict[str, Any]:
    return load(GOOI)


# ---- both files: shape, keys, references ----------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_loads_with_the_contract_sections(path: Path) -> None:
    data = load(path)
    programme = data["programme"]
    for field in ("key", "name", "region", "timezone", "admin_channel"):
        assert programme.get(field), f"programme.{field} missing"
    assert programme["timezone"] == "Europe/Amsterdam"
    assert path.stem == programme["key"]
    for section in ("working_groups", "goals", "activities"):
        assert isinstance(data[section], list) and data[section], f"{section} empty"
    for activity in data["activities"]:
        assert activity.get("key") and activity.get("title"), activity


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_keys_are_unique_and_kebab_case(path: Path) -> None:
    data = load(path)
    for section in ("working_groups", "goals", "activities"):
        keys = [item["key"] for item in data[section]]
        assert len(keys) == len(set(keys)), f"duplicate {section} keys"
        for key in keys:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key), f"{key!r} is not kebab-case"
    clash = {a["key"] for a in data["activities"]} & {g["key"] for g in data["working_groups"]}
    assert not clash, f"activity and working-group keys collide: {clash}"


def test_keys_and_aliases_do_not_collide_across_programmes() -> None:
    # Both files may live in one database; a reference must never be ambiguous between them.
    seen_activity: dict[str, str] = {}
    seen_ref: dict[str, str] = {}
    for path in FILES:
        data = load(path)
        for activity in data["activities"]:
            assert activity["key"] not in seen_activity, f"activity {activity['key']} twice"
            seen_activity[activity["key"]] = path.name
        for group in data["working_groups"]:
            for ref in {
                fold(group["key"]),
                fold(group["name"]),
                *map(fold, group.get("aliases", [])),
            }:
                owner = f"{path.name}:{group['key']}"
                assert seen_ref.setdefault(ref, owner) == owner, (
                    f"{ref!r} names both {seen_ref[ref]} and {owner}"
                )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_references_statuses_owners_and_dates_are_valid(path: Path) -> None:
    data = load(path)
    groups = {g["key"] for g in data["working_groups"]}
    goals = {g["key"] for g in data["goals"]}
    programme_wide = {"actieagenda-2022", "gv-borging", "gv-eindrapportage",
                      "projectgroep-breed", "oploop-partijen", "nieuwsbrief-voortgang",
                      "gv-raad-resultaten-2020"}
    for group in data["working_groups"]:
        assert re.fullmatch(r"C[0-9A-Z]{6,12}|#[a-z0-9_-]+", group["channel"]), group["channel"]
        assert group.get("name")
    for activity in data["activities"]:
        key = activity["key"]
        if activity.get("working_group") is None:  # allowed, when the file says why
            assert "geen werkgroep" in activity.get("note", ""), f"{key}: no working group"
        else:
            assert activity["working_group"] in groups, f"{key}: unknown working group"
        if activity.get("goal") is None:
            assert key in programme_wide, f"{key}: no goal"
        else:
            assert activity["goal"] in goals, f"{key}: unknown goal {activity['goal']!r}"
        assert activity.get("status", "niet-gestart") in STATUS_WORDS, f"{key}: bad status"
        owners = activity.get("owners")
        assert isinstance(owners, list) and owners, f"{key}: owners empty"
        assert all(isinstance(o, str) and o.strip() for o in owners), f"{key}: blank owner"
        assert len(owners) == len(set(owners)), f"{key}: duplicate owner"
        dues = [activity.get("due")] + [m.get("due") for m in activity.get("milestones", [])]
        for due in dues:
            if due is not None:
                assert any(re.fullmatch(p, due) for p in DUE_PATTERNS), f"{key}: bad date {due!r}"
        for milestone in activity.get("milestones", []):
            assert milestone.get("title"), f"{key}: milestone without title"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_personal_data(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text), "e-mail address"
    for run in re.findall(r"[+(]?\d[\d\s().-]{7,}\d", text):
        digits = re.sub(r"\D", "", run)
        assert not (len(digits) >= 9 and digits.startswith(("0", "31"))), f"phone number? {run!r}"
    assert not re.search(r"(?<!\d)\d{9}(?!\d)", text), "BSN-like number"
    assert not re.search(r"\bNL\d{2}[A-Z]{4}\d{10}\b", text), "IBAN"
    # Contact persons and signatories named in the seed documents.
    for name in (
        "Afke",
        "Jong",
        "Loenen",
        "Smit",
        "Rijssenbeek",
        "Broertjes",
        "Voorhorst",
        "Heegde",
        "W. Groot",
    ):
        assert not re.search(rf"\b{re.escape(name)}\b", text), f"person name {name!r}"


# ---- Kennemerland against seed 004 ----------------------------------------------------------


def test_kennemerland_has_every_activity_of_the_2021_agenda(kennemerland: dict[str, Any]) -> None:
    assert set(by_key(kennemerland["activities"])) == {
        "zelfscan-wijkteams",
        "samenwerkingsafspraken-vt",
        "samenwerkingsafspraken-vo",
        "meldcode-focusgroepen",
        "gsv-leerlijn",
        "gsv-implementatielijn",
        "mda-advies",
        "thv-onderzoek",
        "plegeraanpak",
        "indicatoren-set",
        "actieagenda-2022",
        # recurring work of chapters 6 (Projectorganisatie) and 7 (Communicatie)
        "projectgroep-breed",
        "oploop-partijen",
        "nieuwsbrief-voortgang",
    }
    assert {a["status"] for a in kennemerland["activities"]} == {"niet-gestart"}


@pytest.mark.parametrize(("path", "number", "expected"), [
    (KENNEMERLAND, 4, {"projectgroep-breed": "2x per jaar", "oploop-partijen": "1-2x per jaar",
                       "nieuwsbrief-voortgang": "2x per jaar"}),
    (GOOI, 2, {"gv-klankbordgroep-bijeenkomsten": "vier keer per jaar",
               "gv-netwerk-themabijeenkomsten": "driemaal per jaar"}),
], ids=["kennemerland", "gooi"])
def test_recurring_work_of_the_seeds_is_in_the_examples_with_its_source(
        path: Path, number: int, expected: dict[str, str]) -> None:
    activities = by_key(load(path)["activities"])
    source = norm(seed(number)).casefold()
    for key, recurs in expected.items():
        activity = activities[key]
        assert activity["recurs"] == recurs, key
        assert recurs in source, f"{key}: {recurs!r} is not in seed {number}"
        quoted = re.search(r"‘(.+?)’", activity["source"])
        assert quoted is not None, f"{key}: the source quotes the seed"
        fragments = [f.strip() for f in quoted.group(1).split("…")]
        assert all(words(f) in words(source) for f in fragments if f), (key, fragments)


def test_kennemerland_results_themes_goals_and_owners_are_in_the_seed(
    kennemerland: dict[str, Any],
) -> None:
    source = seed(4)
    for activity in kennemerland["activities"]:
        key = activity["key"]
        if activity.get("result"):
            assert norm(activity["result"]) in norm(source), f"{key}: result not verbatim"
        assert norm(activity["theme"]).casefold() in norm(source).casefold(), f"{key}: theme"
        for owner in activity["owners"]:
            assert norm(owner).casefold() in norm(source).casefold(), f"{key}: owner {owner!r}"
    for goal in kennemerland["goals"]:
        assert squash(goal["name"]) in squash(source), f"goal {goal['name']!r} not in the seed"


def test_kennemerland_zelfscan_owners_in_seed_order(kennemerland: dict[str, Any]) -> None:
    activity = by_key(kennemerland["activities"])["zelfscan-wijkteams"]
    assert activity["owners"] == [
        (
            "Beleidsadviseurs gemeenten die verantwoordelijk zijn voor de aanpak van huiselijk geweld "
            "en kindermishandeling"
        ),
        "Teamleider CJG",
        "Teamleider lokaal (wijk)team",
    ]
    assert activity["due"] == "oktober 2021"
    text = norm(seed(4)).casefold()
    start = text.index("wie beleidsadviseurs gemeenten")
    wie = text[start : text.index("wanneer gereed", start)]
    positions = [wie.find(norm(owner).casefold()) for owner in activity["owners"]]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions


def test_kennemerland_mda(kennemerland: dict[str, Any]) -> None:
    activity = by_key(kennemerland["activities"])["mda-advies"]
    assert activity["owners"] == ["Werkgroep MDA++, Hoe verder?", "Stuurgroep Veilig Thuis"]
    assert activity["working_group"] == "wg-mda"
    assert activity["theme"] == "MDA++"
    assert activity["due"] is None  # the seed dates only the first milestone
    assert [(m["title"], m["due"]) for m in activity["milestones"]] == [
        ("Onderzoek en advies", "maart 2021"),
        ("Uitvoering", None),
    ]
    text = norm(seed(4)).casefold()
    assert "wanneer gereed onderzoek en advies: maart 2021" in text
    assert "uitvoering: afhankelijk van voorstel stuurgroep veilig thuis" in text
    assert open_activities(kennemerland, "wg-mda") == ["mda-advies"]
    group = by_key(kennemerland["working_groups"])["wg-mda"]
    assert group["name"] == "Werkgroep MDA++, Hoe verder?" and "MDA++" in group["aliases"]


def test_kennemerland_indicatoren_resolve_to_one_open_activity_due_july(
    kennemerland: dict[str, Any],
) -> None:
    groups = [
        g["key"]
        for g in kennemerland["working_groups"]
        if "indicatoren" in {fold(a) for a in g.get("aliases", [])}
    ]
    assert groups == ["wg-indicatoren"]
    assert open_activities(kennemerland, "wg-indicatoren") == ["indicatoren-set"]
    activity = by_key(kennemerland["activities"])["indicatoren-set"]
    assert activity["due"] == "juli 2021"
    assert activity["goal"] == "monitoring"
    assert [(m["title"], m["due"]) for m in activity["milestones"]] == [
        ("Set van indicatoren", "juli 2021")
    ]
    assert "wanneer gereed set van indicatoren: juli 2021" in norm(seed(4)).casefold()


def test_kennemerland_thv_and_plegeraanpak_due_december(kennemerland: dict[str, Any]) -> None:
    activities = by_key(kennemerland["activities"])
    assert (activities["thv-onderzoek"]["working_group"], activities["thv-onderzoek"]["due"]) == (
        "wg-thv",
        "december 2021",
    )
    assert (activities["plegeraanpak"]["working_group"], activities["plegeraanpak"]["due"]) == (
        "wg-pleger",
        "december 2021",
    )
    text = norm(seed(4)).casefold()
    section = text[
        text.index("(door)ontwikkelen tijdelijk huisverbod en plegeraanpak") : text.index(
            "4. monitoring"
        )
    ]
    assert "wie werkgroep tijdelijk huisverbod wanneer gereed december 2021" in section
    assert "wie werkgroep plegeraanpak wanneer gereed december 2021" in section
    for group in ("wg-thv", "wg-pleger"):
        assert len(open_activities(kennemerland, group)) == 1


def test_kennemerland_split_themes_and_project_team(kennemerland: dict[str, Any]) -> None:
    activities = by_key(kennemerland["activities"])
    assert activities["samenwerkingsafspraken-vt"]["owners"] == [
        "Veilig Thuis",
        "Teamleider CJG",
        "Teamleider lokaal (wijk)team",
    ]
    assert activities["samenwerkingsafspraken-vo"]["working_group"] == "wg-bvno"
    assert activities["gsv-leerlijn"]["owners"][0] == "Veilig Thuis"
    assert activities["gsv-implementatielijn"]["owners"][0] == "Projectleider GHNT"
    assert activities["actieagenda-2022"]["due"] == "oktober 2021"
    assert "in oktober 2021 starten we het gesprek" in norm(seed(4)).casefold()
    for key in ("meldcode-focusgroepen", "gsv-implementatielijn", "actieagenda-2022"):
        assert activities[key]["working_group"] == "wg-ghnt"  # their Wie names GHNT
    for key in ("zelfscan-wijkteams", "samenwerkingsafspraken-vt", "gsv-leerlijn"):
        # their Wie names no GHNT projectteam: no group, and the file says it is a judgement
        assert activities[key]["working_group"] is None
        assert "geen werkgroep" in activities[key]["note"]


# ---- Gooi en Vechtstreek against seeds 000-003 ----------------------------------------------


def gooi_seeds() -> str:
    return "\n".join(seed(n) for n in range(4))


def test_gooi_updates_are_dated_sourced_and_end_in_the_status(gooi: dict[str, Any]) -> None:
    for activity in gooi["activities"]:
        key = activity["key"]
        updates = activity.get("updates", [])
        if not updates:
            assert activity["status"] == "niet-gestart", f"{key}: status without an update"
            continue
        assert set(updates[0]) == {"at", "author", "status", "note"}, f"{key}: update shape"
        days = [date.fromisoformat(str(u["at"])) for u in updates]
        assert days == sorted(days), f"{key}: updates out of order"
        for update in updates:
            assert set(update) == {"at", "author", "status", "note"}, f"{key}: update shape"
            assert update["status"] in STATUS_WORDS, f"{key}: bad update status"
            assert update["author"] in GOOI_SOURCES, f"{key}: unknown source {update['author']!r}"
            _, known = GOOI_SOURCES[update["author"]]
            if known:
                assert str(update["at"]) == known, f"{key}: {update['author']} is dated {known}"
            else:
                assert str(update["at"]).startswith("2021-"), f"{key}: Gooise Meren brief is 2021"
            assert update["note"].strip(), f"{key}: empty note"
        assert activity["status"] == updates[-1]["status"], f"{key}: status != last update"


def test_gooi_update_notes_follow_their_source(gooi: dict[str, Any]) -> None:
    # Every note shares at least one run of five words with the document it cites.
    for activity in gooi["activities"]:
        for update in activity.get("updates", []):
            source = words(seed(GOOI_SOURCES[update["author"]][0]))
            tokens = words(update["note"]).split()
            shingles = {" ".join(tokens[i : i + 5]) for i in range(len(tokens) - 4)}
            assert any(f" {s} " in f" {source} " for s in shingles), (
                f"{activity['key']}: note of {update['author']} not found in its source"
            )


@pytest.mark.parametrize(
    ("key", "author", "phrase"),
    [
        (
            "gv-handle-with-care",
            "Raadsinformatiebrief Gooise Meren",
            "Op dit moment is de pilot gestart in Huizen",
        ),
        (
            "gv-handle-with-care",
            "2de voortgangsrapportage",
            "dat dit jaar wordt uitgebreid naar andere regiogemeenten",
        ),
        ("gv-pleger-aanpak", "1ste voortgangsrapportage", "pleger- aanpak staat gepland in 2021"),
        ("gv-pleger-aanpak", "2de voortgangsrapportage", "start van een supportgroep voor plegers"),
        (
            "gv-samenwerkingsafspraken",
            "2de voortgangsrapportage",
            "duidelijker is wie welke rol heeft en waar ze op kunnen rekenen",
        ),
        (
            "gv-trauma-expertnetwerk",
            "Raadsinformatiebrief Gooise Meren",
            "Expertgroep Trauma opgericht waarmee het behandelaanbod voor traumaklachten is versterkt",
        ),
        (
            "gv-lokale-alliantie",
            "2de voortgangsrapportage",
            "geeft voorlichting aan professionals om financieel misbruik onder ouderen te voorkomen",
        ),
        (
            "gv-klankbordgroep-oprichten",
            "1ste voortgangsrapportage",
            "De klankbordgroep is driemaal bij elkaar geweest",
        ),
        (
            "gv-werksessie-onderwijs",
            "1ste voortgangsrapportage",
            "In verband met de maatregelen rondom het corona- virus is deze uitgesteld",
        ),
        (
            "gv-actieonderzoek",
            "1ste voortgangsrapportage",
            "Het onderzoek heeft een duur van 20 maanden en is gestart op 1 januari 2020",
        ),
        (
            "gv-ervaringsdeskundigheid",
            "Raadsinformatiebrief Gooise Meren",
            "ervaringswerker huiselijk geweld en kindermishandeling",
        ),
        (
            "gv-effectonderzoek",
            "Raadsinformatiebrief Gooise Meren",
            "besproken in de Taskforce huiselijk geweld en kindermishandeling",
        ),
    ],
)
def test_gooi_update_quotes_its_source(
    gooi: dict[str, Any], key: str, author: str, phrase: str
) -> None:
    assert contains_words(seed(GOOI_SOURCES[author][0]), phrase), "phrase not in the seed"
    notes = [u["note"] for u in by_key(gooi["activities"])[key]["updates"] if u["author"] == author]
    assert any(contains_words(note, phrase) for note in notes), f"{key}: no {author} note says it"


def test_gooi_handle_with_care_pilot_in_huizen(gooi: dict[str, Any]) -> None:
    activity = by_key(gooi["activities"])["gv-handle-with-care"]
    assert "Huizen" in activity["title"]
    assert activity["working_group"] == "gv-hwc"
    assert activity["goal"] == "gv-stoppen"
    assert activity["theme"] == "Verbeteren verbinding zorg & onderwijs"
    assert contains_words(seed(2), activity["theme"])
    assert activity["owners"] == ["Veilig Thuis", "Basisonderwijs", "Politie"]
    assert contains_words(seed(1), "in samenwerking met Veilig Thuis, basisonderwijs en de politie")
    assert activity["status"] == "op-schema"


def test_gooi_lokale_alliantie(gooi: dict[str, Any]) -> None:
    group = by_key(gooi["working_groups"])["gv-alliantie"]
    for n in (0, 1, 2):  # squash: seed 000 glues a footnote number to "Vechtstreek2"
        assert squash(group["name"]) in squash(seed(n)), f"seed {n:03d}"
    activity = by_key(gooi["activities"])["gv-lokale-alliantie"]
    assert activity["working_group"] == "gv-alliantie"
    assert activity["goal"] == "gv-specifieke-groepen"
    assert activity["theme"] == "Aanpak ouderenmishandeling"
    assert activity["milestones"][0]["due"] == "30 maart 2020"
    assert contains_words(seed(2), "een startbijeenkomst gepland op 30 maart")
    assert activity["updates"][0]["status"] == "vertraagd"  # corona: geannuleerd


@pytest.mark.parametrize(
    ("key", "due", "seed_number", "phrase"),
    [
        (
            "gv-pleger-aanpak",
            "2021",
            2,
            "Het ontwikkelen van een pleger- aanpak staat gepland in 2021",
        ),
        (
            "gv-samenwerkingsafspraken",
            "voorjaar 2020",
            2,
            "In het voorjaar van 2020 worden de geactualiseerde samenwerkingsafspraken vastgesteld",
        ),
        ("gv-eindrapportage", "Q1 2022", 3, "Begin volgend jaar ontvangt u de eindrapportage"),
        ("gv-raad-resultaten-2020", "Q4 2020", 0,
         "In het laatste kwartaal van 2020 komen we bij u terug met de volgende resultaten"),
        (
            "gv-borging",
            "2021",
            3,
            "In dit laatste projectjaar werken we een voorstel uit om de behaalde resultaten te borgen",
        ),
        (
            "gv-werksessie-onderwijs",
            "april 2020",
            2,
            "organiseren we in april een regiobrede werksessie",
        ),
        (
            "gv-meldcode-medisch",
            "voorjaar 2021",
            1,
            "door dit voorjaar een online werkcongres over de Meldcode te organiseren",
        ),
    ],
)
def test_gooi_dates_come_from_the_seeds(
    gooi: dict[str, Any], key: str, due: str, seed_number: int, phrase: str
) -> None:
    assert by_key(gooi["activities"])[key]["due"] == due
    assert contains_words(seed(seed_number), phrase)


@pytest.mark.parametrize(
    ("key", "phrase"),
    [
        (
            "gv-netwerkbijeenkomsten",
            "Organiseren van netwerkbijeenkomsten tussen zorg- en veiligheidspartijen",
        ),
        (
            "gv-training-politie",
            "Meedenken met politie over aanbod in training in bejegening slachtoffers van huiselijk geweld",
        ),
        ("gv-informatiemateriaal", "Verbeteren informatie- materiaal"),
        (
            "gv-trauma-expertnetwerk",
            "Voorstel is om een regionaal netwerk van experts op te zetten",
        ),
        ("gv-trauma-kieszo", "Het aanbod op Kieszo inzichtelijk maken"),
        (
            "gv-trauma-vervolgfinanciering",
            "zal een vervolg- financiering worden aangevraagd bij de Projectenpool",
        ),
        ("gv-lespakket", "Lespakket over huiselijk geweld en kindermishandeling"),
        (
            "gv-ouderenmishandeling-kennis",
            "Uitbreiden kennis over signalen en mogelijkheden tot interventies",
        ),
        (
            "gv-projectfinanciering-ervaringsdeskundigheid",
            "zullen we project- financiering aanvragen bij de projectenpool GHNT",
        ),
    ],
)
def test_gooi_every_still_to_do_item_is_an_activity(
    gooi: dict[str, Any], key: str, phrase: str
) -> None:
    assert contains_words(seed(2), phrase)
    activity = by_key(gooi["activities"])[key]
    updates = activity.get("updates", [])
    # Open when the 1ste voortgangsrapportage listed it; closed only by a later report.
    assert activity["status"] not in CLOSED or (
        updates and updates[0]["status"] == "niet-gestart" and updates[-1]["at"] > "2020-03-30"
    )


def test_gooi_owners_goals_and_themes_come_from_the_seeds(gooi: dict[str, Any]) -> None:
    sources = gooi_seeds()
    group_names = {g["name"] for g in gooi["working_groups"]}
    for activity in gooi["activities"]:
        key = activity["key"]
        for owner in activity["owners"]:
            assert owner in group_names or contains_words(sources, owner), f"{key}: {owner!r}"
        if activity.get("theme"):
            assert contains_words(sources, activity["theme"]), f"{key}: theme"
    goals = {g["key"]: g["name"] for g in gooi["goals"]}
    for key in ("gv-eerder-in-beeld", "gv-stoppen", "gv-specifieke-groepen"):
        assert contains_words(seed(2), f"Actielijn: {goals[key]}")
    assert contains_words(seed(2), "Hoofdstuk 3 Overige activiteiten Geweld hoort nergens thuis")
