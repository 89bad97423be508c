"""Reading a programme file that may be hostile: size, nesting and alias expansion are bounded.

A programme file is a few hundred kilobytes at most (the Kennemerland example is 30 KB), so:

* **Size**: at most ``MAX_FILE_BYTES`` (5 MB) unless the operator raises it
  (``ACTIEBOT_MAX_PROGRAMME_MB``, read by bot/config.py and passed in as ``limit``). The size is
  checked with ``stat`` before the file is opened, and at most one byte more is ever read, so a
  52 MB file (or ``/dev/zero``) is refused without being read into memory.
* **Nesting**: at most ``MAX_DEPTH`` (32) nested mappings/lists, checked on the parser's event
  stream (no recursion) before anything is composed; the shape the contract describes is 5 deep.
* **Anchors and aliases** (``&a`` / ``*a``): allowed for honest reuse (one reminder policy for
  several groups), but what the aliases add when expanded is counted before any Python object
  is built: at most ``MAX_ALIAS_EXPANSION`` (100,000 values or characters) beyond what the file
  itself spells out. An alias bomb (``a: &a [x,x,…]``, ``b: &b [*a,*a,…]``, …) of a few hundred
  bytes that would expand to billions of values is refused in milliseconds; a recursive alias
  (``&a [*a]``) is refused too.

Every refusal is a :class:`FileLimitError` with one line of text and, where known, a line number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 5 * 1024 * 1024
# named in a refusal, so that an operator with a genuinely large programme knows what to raise
LIMIT_VARIABLE = "ACTIEBOT_MAX_PROGRAMME_MB"
MAX_DEPTH = 32
MAX_ALIAS_EXPANSION = 100_000

# libyaml when it is installed (fast); the pure-Python parser otherwise. Both are safe loaders.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FileLimitError(Exception):
    def __init__(self, problem: str, expected: str | None = None, line: int | None = None) -> None:
        super().__init__(problem)
        self.problem, self.expected, self.line = problem, expected, line


def read_text_limited(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file's text; refused when it is larger than ``limit`` bytes (never read whole)."""
    size = path.stat().st_size  # FileNotFoundError / IsADirectoryError go to the caller
    expected = (f"a programme file of at most {_megabytes(limit)}; {LIMIT_VARIABLE} "
                "raises the limit")
    if size > limit:
        raise FileLimitError(f"the file is too large ({_megabytes(size)})", expected)
    with path.open("rb") as stream:
        data = stream.read(limit + 1)  # a pipe or device reports size 0: read one byte more
    if len(data) > limit:
        raise FileLimitError(f"the file is too large (more than {_megabytes(limit)})", expected)
    return data.decode("utf-8")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def load_documents(text: str) -> list[tuple[Any, Any]]:
    """(node, document) for every YAML document in ``text``, within the limits above.

    Raises ``yaml.YAMLError`` for a syntax error and :class:`FileLimitError` for a file that
    nests too deeply or whose aliases expand too far.
    """
    aliases = check_depth(text)
    nodes = [node for node in yaml.compose_all(text, Loader=_Loader) if node is not None]
    for node in nodes if aliases else ():  # without an alias nothing can expand
        check_alias_expansion(node)
    constructor = _Constructor("")
    return [(node, constructor.construct_document(node)) for node in nodes]


class _Constructor(yaml.SafeLoader):
    """Reads an unquoted date that is not one (``due: 2021-02-31``) as a problem at its line,
    where PyYAML raises a bare ValueError without one."""

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a date ({error})", node.start_mark,
            ) from None


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def check_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """Refuse a file nested deeper than ``limit``; returns how many aliases it holds."""
    depth = aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > limit:
                raise FileLimitError(f"nested more than {limit} levels deep",
                                     "programme:, working_groups:, activities: … a few levels "
                                     "deep", _line(event))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    return aliases


def _line(item: Any) -> int | None:
    mark = getattr(item, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else None


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _own_weight(node: Any) -> int:
    return 1 + (len(node.value) if isinstance(node, yaml.ScalarNode) else 0)


def check_alias_expansion(root: Any, limit: int = MAX_ALIAS_EXPANSION) -> None:
    """Refuse a document whose aliases add more than ``limit`` values/characters when expanded.

    The composed document is a graph in which an alias is the anchored node itself; its
    expanded weight (values plus scalar characters) is computed once per distinct node, without
    recursion, so even a bomb that would expand to 10**100 values costs one pass over the file.
    """
    weight: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            weight[key] = _own_weight(node) + sum(weight[id(c)] for c in _children(node))
            continue
        if key in weight:
            continue
        if key in open_nodes:
            raise FileLimitError("an alias refers to itself (a recursive anchor)",
                                 "plain values, or anchors that do not contain themselves",
                                 _line(node))
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in weight)
    spelled_out = sum(_own_weight(_node) for _node in _distinct(root))
    if weight[id(root)] - spelled_out > limit:
        raise FileLimitError(
            "anchors and aliases (&name / *name) expand far beyond the file "
            f"(more than {limit:,} extra values); this looks like an alias bomb",
            "write repeated parts out, or reuse only small parts with aliases",
            _line(root))


def _distinct(root: Any) -> list[Any]:
    seen: dict[int, Any] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            stack.extend(_children(node))
    return list(seen.values())
