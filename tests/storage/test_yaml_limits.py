"""storage/yaml_limits.py: one parse builds the same documents as PyYAML's safe loader, and the
nesting limit holds on every path (libyaml's, the general constructor's, past libyaml's own
limit)."""

from __future__ import annotations

import pytest
import yaml

from storage.yaml_limits import FileLimitError, load_documents

SAMPLES = {
    "scalars": 'a: [1, 2.5, true, null, 2021-03-01, "s", "1", yes, "yes", ~, 0x1F, 1e3, .inf]\n'
               'b: "2021-03-01"\nc: [on, "on", off, 010, 1_000, -.5, ""]\nd: {}\ne: []\n',
    "aliases": "policy: &p {before: [5, 1]}\ngroups: [{r: *p}, {r: *p}]\nname: &n Jeugd & Gezin\n"
               "again: *n\n",
    "merge": "base: &b {x: 1, y: 2}\nuse: {<<: *b, y: 3}\n",
    "set": "s: !!set {a, b}\n",
    "documents": "---\na: 1\n---\n---\n[1, 2]\n",
    "json": '{"programme": {"key": "p", "name": "P"}, "activities": [{"key": "a", "due": null}]}',
}


@pytest.mark.parametrize("text", SAMPLES.values(), ids=list(SAMPLES))
def test_documents_are_what_the_safe_loader_builds(text: str) -> None:
    expected = [d for d in yaml.load_all(text, Loader=yaml.SafeLoader) if d is not None]
    built = [document for _, document in load_documents(text)]
    assert [d for d in built if d is not None] == expected  # an empty document is skipped later


def test_an_alias_is_the_same_object() -> None:
    (_, document), = load_documents(SAMPLES["aliases"])
    assert document["groups"][0]["r"] is document["groups"][1]["r"]


@pytest.mark.parametrize("depth", [33, 200, 999, 1001, 20_000])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_nesting_deeper_than_32_is_refused_with_its_line(depth: int, style: str) -> None:
    if style == "flow":
        text = "programme: {key: d, name: D}\nx: " + "[" * depth + "]" * depth + "\n"
    else:  # one level more per line; the root mapping is the first
        text = "programme: {key: d, name: D}\n" + "".join(
            " " * i + "a:\n" for i in range(depth - 1)) + " " * (depth - 1) + "a: 1\n"
    with pytest.raises(FileLimitError) as refused:
        load_documents(text)
    assert refused.value.problem == "nested more than 32 levels deep"
    assert refused.value.line is not None and refused.value.line >= 2


def test_32_levels_are_accepted() -> None:
    text = "x: " + "[" * 31 + "]" * 31 + "\n"
    assert load_documents(text)[0][1] == yaml.safe_load(text)


def test_nesting_is_refused_on_the_general_path_too() -> None:
    """A merge key takes PyYAML's own constructor; the limit still holds there."""
    text = "base: &b {x: 1}\nuse: {<<: *b}\nx: " + "[" * 40 + "]" * 40 + "\n"
    with pytest.raises(FileLimitError, match="nested more than 32"):
        load_documents(text)


def test_without_libyaml_the_events_are_checked_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from storage import yaml_limits

    monkeypatch.setattr(yaml_limits, "_LIBYAML", False)
    monkeypatch.setattr(yaml_limits, "_Loader", yaml.SafeLoader)
    with pytest.raises(FileLimitError, match="nested more than 32"):
        load_documents("x: " + "[" * 5000 + "]" * 5000 + "\n")  # would overflow Python's stack
    text = SAMPLES["aliases"]
    assert [d for _, d in load_documents(text)] == [yaml.safe_load(text)]


@pytest.mark.parametrize("text", ["programme: {key: p, name: P}\nactivities: []\n",
                                  "programme: {key: P!, name: P}\n", "x: [\n"])
def test_reading_leaves_the_cycle_collector_as_it_was(text: str) -> None:
    import gc

    from storage.programme_file import ProgrammeFileError, read_text

    assert gc.isenabled()
    try:
        read_text(text, "p.yaml")
    except ProgrammeFileError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        try:
            read_text(text, "p.yaml")
        except ProgrammeFileError:
            pass
        assert not gc.isenabled()  # not switched on behind the caller's back
    finally:
        gc.enable()


def test_aliases_that_nest_each_other_deeper_than_32_are_refused() -> None:
    """Each anchor nests 30 levels and holds an alias of the one before: written, no line is
    deeper than 31; expanded, 60 anchors nest 1,800 deep (Python's recursion ran out)."""
    lines = ["programme: {key: c, name: C}"]
    for i in range(60):
        inner = f"*a{i - 1}" if i else "1"
        lines.append(f"x{i}: &a{i} " + "[" * 30 + inner + "]" * 30)
    with pytest.raises(FileLimitError, match="nested more than 32"):
        load_documents("\n".join(lines) + "\n")
    honest = "p: &p {before: [5, 1]}\ng: [{r: *p}, {r: *p}]\n"
    assert load_documents(honest)[0][1] == yaml.safe_load(honest)
