"""The import graph of bot, handlers and storage has no cycles.

A cycle means two modules can only be read, tested and changed together, and it tends to be
dodged with an import inside a function. The graph is grimp's (the one import-linter checks
the layer contracts in pyproject.toml with): every import statement counts, including those
inside functions."""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage")
WIRING = {"bot.app", "bot.cli", "bot.wsgi", "bot.scheduler", "bot.console", "bot.server"}


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules))
             for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                child = edges[node][i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def test_the_finder_sees_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("pkg.a", "pkg.b", "pkg.c", "pkg.d"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.d")
    assert _cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_no_import_cycles() -> None:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert _cycles(graph) == []


def test_every_wiring_module_is_forbidden_to_the_layers() -> None:
    """Nothing in the domain, the services, the handlers or storage imports a wiring module;
    a new `bot/cli_*.py` must be added to each layer contract in pyproject.toml."""
    wiring = WIRING | {f"bot.{p.stem}" for p in (ROOT / "bot").glob("cli_*.py")}
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = [c for c in config["tool"]["importlinter"]["contracts"]
              if {"handlers", "storage", "bot.domain"} & set(c["source_modules"])
              and c["type"] == "forbidden" and "bot.services" not in c["forbidden_modules"]]
    assert len(layers) == 3
    for contract in layers:
        missing = wiring - set(contract["forbidden_modules"])
        assert not missing, (contract["name"], sorted(missing))
