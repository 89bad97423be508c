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

import re
from collections import deque
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 5 * 1024 * 1024
# named in a refusal, so that an operator with a genuinely large programme knows what to raise
LIMIT_VARIABLE = "ACTIEBOT_MAX_PROGRAMME_MB"
MAX_DEPTH = 32
MAX_ALIAS_EXPANSION = 100_000



class _ResolvingOnce:
    """What a plain scalar means (``2021-03-01`` a date, ``yes`` a boolean, ``wg-mda`` a
    string) is looked up once per distinct text in a file: PyYAML's resolver tries its
    patterns on every scalar, and a large programme repeats its keys, statuses, groups and
    dates thousands of times. A quoted scalar is a string. (The safe loader has no path
    resolvers, so a scalar's tag depends on its text alone.)"""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)  # type: ignore[call-arg]
        self._tags: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)  # type: ignore[misc]
        if not implicit[0]:
            return yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
        tag = self._tags.get(value)
        if tag is None:
            tag = self._tags[value] = super().resolve(kind, value, implicit)  # type: ignore[misc]
        return tag


# libyaml when it is installed (fast); the pure-Python parser otherwise. Both are safe loaders.
_LIBYAML = hasattr(yaml, "CSafeLoader")
_Loader: Any = (type("_Loader", (_ResolvingOnce, yaml.CSafeLoader), {}) if _LIBYAML
                else yaml.SafeLoader)
assert not yaml.SafeLoader.yaml_path_resolvers  # what _ResolvingOnce relies on


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

    With libyaml the text is parsed once: libyaml composes the nodes (its scanner refuses more
    than 1,000 levels, so its composer never recurses deeper), and the nesting limit is checked
    while the documents are built from the nodes, level by level. Without libyaml the
    pure-Python composer recurses, so the parser's events are checked first.
    """
    aliases = _may_hold_aliases(text)
    if _LIBYAML:
        try:
            nodes = [node for node in yaml.compose_all(text, Loader=_Loader) if node is not None]
        except yaml.scanner.ScannerError as error:
            if error.problem != "exceeded maximum nesting depth":
                raise
            mark = error.problem_mark
            raise FileLimitError(*_too_deep(MAX_DEPTH),
                                 mark.line + 1 if mark is not None else None) from None
    else:
        check_depth(text)
        nodes = [node for node in yaml.compose_all(text, Loader=_Loader) if node is not None]
    loaded = []
    for node in nodes:
        constructor = _Constructor("")
        try:
            document = _build(node, constructor, shared=aliases)
        except _Unusual:  # merge keys (<<), sets, a mapping as a key: PyYAML's own way
            check_node_depth(node)
            document = constructor.construct_document(node)
        if aliases:
            check_alias_expansion(node)
        loaded.append((node, document))
    return loaded


# An alias (``*name``) starts a node: at the start of a line, or after a space or one of
# ``[{,``. A text without such a ``*`` or without any ``&`` holds no alias (an alias needs an
# anchor before it); "Jeugd & Gezin" or a "*vet*" note only cost the alias check.
_ALIAS_START = re.compile(r"(?:^|[\s\[{,])\*[^\s\[\]{},]", re.MULTILINE)


def _may_hold_aliases(text: str) -> bool:
    return "&" in text and _ALIAS_START.search(text) is not None


_STR, _SEQ, _MAP, _MERGE = (f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map", "merge"))


class _Unusual(Exception):  # a signal to take PyYAML's general path, not an error
    pass


def _too_deep(limit: int) -> tuple[str, str]:
    return (f"nested more than {limit} levels deep",
            "programme:, working_groups:, activities: … a few levels deep")


def _build(root: Any, constructor: Any, *, shared: bool, limit: int = MAX_DEPTH) -> Any:
    """The document of ``root`` as PyYAML's safe loader builds it (the same values; an alias
    is the same object), without recursion, refusing collections nested deeper than ``limit``.

    Collections are filled level by level in document order, so the first collection found
    too deep is the first one in the file. Plain strings are taken as they are; every other
    scalar (numbers, dates, booleans, null) goes through the constructor, which knows its tag.
    Raises ``_Unusual`` for what only the general constructor handles.
    """
    built: dict[int, Any] = {}
    pending: deque[tuple[Any, Any, int]] = deque()
    scalar, sequence, mapping = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode

    def value(node: Any, depth: int) -> Any:
        kind = node.__class__
        if kind is scalar:
            return node.value if node.tag == _STR else constructor.construct_object(node)
        if shared and id(node) in built:
            return built[id(node)]
        if depth > limit:
            raise FileLimitError(*_too_deep(limit), _line(node))
        if kind is sequence and node.tag == _SEQ:
            made: Any = []
        elif kind is mapping and node.tag == _MAP:
            made = {}
        else:
            raise _Unusual
        if shared:
            built[id(node)] = made
        pending.append((node, made, depth))
        return made

    document = value(root, 1)
    while pending:
        node, made, depth = pending.popleft()
        depth += 1
        if made.__class__ is list:
            made.extend([value(child, depth) for child in node.value])
            continue
        for key, item in node.value:
            if key.__class__ is not scalar or key.tag == _MERGE:
                raise _Unusual
            made[value(key, depth)] = value(item, depth)
    return document


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
                raise FileLimitError(*_too_deep(limit), _line(event))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    return aliases


def check_node_depth(root: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse a composed document nested deeper than ``limit`` (an alias counts as a leaf, as
    in :func:`check_depth`)."""
    seen: set[int] = set()
    level = [root]
    for depth in range(1, limit + 2):
        collections = [n for n in level if not isinstance(n, yaml.ScalarNode)
                       and id(n) not in seen]
        if not collections:
            return
        if depth > limit:
            raise FileLimitError(*_too_deep(limit), _line(collections[0]))
        seen.update(id(n) for n in collections)
        level = [child for n in collections for child in _children(n)]


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


def check_alias_expansion(root: Any, limit: int = MAX_ALIAS_EXPANSION,
                          depth: int = MAX_DEPTH) -> None:
    """Refuse a document whose aliases add more than ``limit`` values/characters when expanded,
    or nest it more than ``depth`` levels deep when expanded (anchors of 30 levels, each
    holding an alias of the one before, are a few hundred bytes that nest thousands deep).

    The composed document is a graph in which an alias is the anchored node itself; its
    expanded weight (values plus scalar characters) and nesting are computed once per distinct
    node, without recursion, so even a bomb that would expand to 10**100 values costs one pass
    over the file.
    """
    weight: dict[int, int] = {}
    height: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            children = _children(node)
            weight[key] = _own_weight(node) + sum(weight[id(c)] for c in children)
            height[key] = (0 if isinstance(node, yaml.ScalarNode)
                           else 1 + max((height[id(c)] for c in children), default=0))
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
    if height[id(root)] > depth:
        raise FileLimitError(*_too_deep(depth), _line(root))
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
