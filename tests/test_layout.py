"""The layout shows the flow (issue 11): which package may import which, and no circles.

The graph is read from the AST of every module under arena/: ``import x`` and ``from x import
y`` at any depth, so an import inside a function counts as much as one at the top. A failure
names each offending import as ``module -> imported (file:line)``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import arena

ARENA = Path(arena.__file__).parent

# the surfaces of arena.http: none may import another
SURFACES = ("arena.http.api", "arena.http.web", "arena.http.console")
# the stages in the order the data flows (README, "How the code is laid out"): each imports
# only those before it; the root package, last, only re-exports create_app
LAYERS = ("arena.errors", "arena.config", "arena.support", "arena.engine", "arena.ingest", "arena.store",
          "arena.services", "arena.render", "arena.http", "arena.export", "arena.bench", "arena.cli", "arena")


@dataclass(frozen=True)
class Edge:
    module: str  # the importing module
    imported: str  # the arena module (or package) it imports
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.module} -> {self.imported} ({self.file}:{self.line})"


@dataclass
class Graph:
    modules: set[str]
    packages: set[str]
    edges: list[Edge]


def _name(root: Path, path: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def import_graph(root: Path = ARENA) -> Graph:
    """Every import of an arena module by an arena module under ``root`` (the arena folder)."""
    top = root.name
    files = sorted(root.rglob("*.py"))
    modules = {_name(root, p) for p in files}
    packages = {_name(root, p) for p in files if p.name == "__init__.py"}
    edges = []
    for path in files:
        module = _name(root, path)
        shown = path.relative_to(root.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the module's own package upwards
                    here = module.split(".") if module in packages else module.split(".")[:-1]
                    base = ".".join(here[: len(here) - node.level + 1] + ([base] if base else []))
                # "from a import b": b is a module when one is there, else a name of a
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in dict.fromkeys(targets):
                if _within(target, top):
                    edges.append(Edge(module, target, shown, node.lineno))
    return Graph(modules, packages, edges)


def stage(name: str, graph: Graph) -> str:
    """The package a module belongs to in the package-level graph: arena.engine, arena.store...;
    under arena.http each surface (arena.http.api, .web, .console) is one, and each module of
    arena.http itself (app, db, errors...) stands alone, as do arena.config and arena.errors."""
    parts = name.split(".")
    depth = 3 if parts[1:2] == ["http"] else 2
    head = ".".join(parts[:depth])
    return head if head in graph.packages else name


def _allowed(edge: Edge) -> str | None:
    """Why ``edge`` is forbidden, or None."""
    src, dst = edge.module, edge.imported
    if _within(src, "arena.engine"):
        if not (_within(dst, "arena.engine") or dst == "arena.errors"):
            return "the engine imports only the engine (and arena.errors)"
    elif _within(src, "arena.store"):
        if not any(_within(dst, p) for p in ("arena.store", "arena.engine", "arena.errors", "arena.support",
                                             "arena.config")):
            return "the store imports only the store, the engine, arena.errors, arena.support, arena.config"
    elif _within(src, "arena.services"):
        if _within(dst, "arena.http"):
            return "services never import arena.http"
    elif _within(src, "arena.render"):
        if _within(dst, "arena.store"):
            return "render never imports the store"
    for surface in SURFACES:
        if _within(src, surface):
            other = next((s for s in SURFACES if s != surface and _within(dst, s)), None)
            if other:
                return "the API, the pages and the console never import each other"
    return None


def layer(name: str) -> int:
    head = ".".join(name.split(".")[:2])
    return LAYERS.index(head if head in LAYERS else "arena")


def upstream(graph: Graph) -> list[str]:
    """Each import of a stage that comes later in LAYERS."""
    return [f"{e}: {LAYERS[layer(e.module)]} comes before {LAYERS[layer(e.imported)]}"
            for e in graph.edges if layer(e.imported) > layer(e.module)]


def forbidden(graph: Graph) -> list[str]:
    return [f"{edge}: {why}" for edge in graph.edges if (why := _allowed(edge))]


def cycles(graph: Graph) -> list[str]:
    """Each circle between packages, as the imports that make it."""
    between = [e for e in graph.edges if stage(e.module, graph) != stage(e.imported, graph)]
    succ: dict[str, set[str]] = {}
    for e in between:
        succ.setdefault(stage(e.module, graph), set()).add(stage(e.imported, graph))

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in succ.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reached = {n: reach(n) for n in succ}
    found, done = [], set()
    for node in sorted(succ):
        if node in done or node not in reached[node]:
            continue
        scc = {node} | {m for m in reached[node] if node in reached.get(m, ())}
        done |= scc
        inside = [str(e) for e in between if stage(e.module, graph) in scc and stage(e.imported, graph) in scc]
        found.append(f"circle between {', '.join(sorted(scc))}:\n    " + "\n    ".join(inside))
    return found


# -- the real tree ----------------------------------------------------------------------------

def test_the_graph_reads_every_kind_of_import():
    graph = import_graph()
    pairs = {(e.module, e.imported) for e in graph.edges}
    assert ("arena.http.app", "arena.http.api") in pairs  # "from arena.http import api" inside a function
    assert ("arena.cli.files", "arena.export.push") in pairs  # function-local "from x import y"
    assert ("arena.http.db", "arena.store.db") in pairs
    assert len(graph.edges) > 300


def test_no_package_imports_what_it_must_not():
    problems = forbidden(import_graph())
    assert not problems, "forbidden imports:\n" + "\n".join(problems)


def test_each_stage_imports_only_the_stages_before_it():
    problems = upstream(import_graph())
    assert not problems, "imports against the flow:\n" + "\n".join(problems)


def test_no_circle_between_packages():
    found = cycles(import_graph())
    assert not found, "\n".join(found)


def test_every_stage_is_a_package():
    graph = import_graph()
    top = {stage(m, graph) for m in graph.modules}
    assert {"arena.engine", "arena.ingest", "arena.store", "arena.services", "arena.render", "arena.export",
            "arena.cli", "arena.bench", "arena.support", *SURFACES} <= top
    loose = sorted(m for m in top if m not in graph.packages)
    assert set(loose) <= {"arena.config", "arena.errors", "arena.http.app", "arena.http.db", "arena.http.errors",
                          "arena.http.principals", "arena.http.serve", "arena.http.headers", "arena.http.request_log",
                          "arena.http.fill_in"}, loose


# -- the checker itself fails when it should ---------------------------------------------------

def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "arena" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "arena"


PACKAGES = {f"{p}/__init__.py": "" for p in (
    "engine", "store", "services", "render", "http", "http/api", "http/web", "http/console")}


def test_the_checker_names_a_forbidden_import(tmp_path):
    root = _tree(tmp_path, {**PACKAGES, "__init__.py": "", "errors.py": "",
                            "store/db.py": "from arena import errors\n",
                            "engine/sheet.py": "import math\n\n\ndef score():\n    from arena.store import db\n",
                            "http/api/auth.py": "from arena.http.console import views\n",
                            "http/console/views.py": "import arena.errors\n"})
    problems = forbidden(import_graph(root))
    assert any(p.startswith("arena.engine.sheet -> arena.store.db (arena/engine/sheet.py:5)") for p in problems)
    assert any(p.startswith("arena.http.api.auth -> arena.http.console.views (arena/http/api/auth.py:1)")
               for p in problems)
    assert len(problems) == 2, problems


def test_the_checker_names_a_circle(tmp_path):
    root = _tree(tmp_path, {**PACKAGES, "__init__.py": "",
                            "store/db.py": "from arena.services import publishing\n",
                            "services/publishing.py": "x = 1\n\n\ndef f():\n    import arena.store.db\n"})
    graph = import_graph(root)
    assert forbidden(graph) != []  # the store importing services is forbidden too
    assert upstream(graph) == ["arena.store.db -> arena.services.publishing (arena/store/db.py:1): "
                               "arena.store comes before arena.services"]
    found = cycles(graph)
    assert len(found) == 1
    assert "circle between arena.services, arena.store" in found[0]
    assert "arena.store.db -> arena.services.publishing (arena/store/db.py:1)" in found[0]
    assert "arena.services.publishing -> arena.store.db (arena/services/publishing.py:5)" in found[0]
