"""A project's imports read with ``ast``: who imports what, when the module loads or only when called.

Used by ``tests/test_layers.py``; nothing is imported or run, so a module with a bad import
is still read. An import by name (``importlib.import_module("a.b")``, relative ones included, or
``__import__("a.b")``) counts when the name is written out; one computed at run time cannot be seen.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Import:
    """``importer`` imports ``imported`` (both modules of the project) at ``path``:``line``."""

    importer: str
    imported: str
    path: Path
    line: int
    #: Inside a function: it runs when the function is called, not when the module loads.
    deferred: bool

    def __str__(self) -> str:
        when = " (inside a function)" if self.deferred else ""
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported}{when}"


def find_modules(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module of ``packages`` (folders or single files under ``root``) by dotted name."""
    modules: dict[str, Path] = {}
    for package in packages:
        folder, single = root / package, root / f"{package}.py"
        files = sorted(folder.rglob("*.py")) if folder.is_dir() else [single]
        for path in files:
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def read_imports(modules: Mapping[str, Path]) -> list[Import]:
    """The imports between ``modules``, from their source; imports of anything else are left out."""
    found: list[Import] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node, deferred in _import_nodes(tree, deferred=False):
            for imported in dict.fromkeys(_targets(node, module, is_package, modules)):
                found.append(Import(module, imported, path, node.lineno, deferred))
    return found


def find_cycles(imports: Iterable[Import]) -> list[list[str]]:
    """The groups of modules that import one another in a circle (Tarjan's strongly connected
    components of two or more, or a module importing itself), each sorted."""
    graph: dict[str, set[str]] = {}
    for item in imports:
        graph.setdefault(item.importer, set()).add(item.imported)
        graph.setdefault(item.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph[module]:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(cycles)


#: An import statement, or a call importing a module by name (``importlib.import_module("a.b")``,
#: ``__import__("a.b")``), which loads it all the same.
_ImportNode = ast.Import | ast.ImportFrom | ast.Call


def _import_nodes(node: ast.AST, *, deferred: bool) -> Iterator[tuple[_ImportNode, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom) or _imported_by_call(child) is not None:
            assert isinstance(child, _ImportNode)
            yield child, deferred
        inside = deferred or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield from _import_nodes(child, deferred=inside)


def _imported_by_call(node: ast.AST) -> tuple[str, str | None] | None:
    """The module name a call imports, with the package a relative name starts from (None: the
    caller's own, as with ``__package__``); None when the call imports nothing named in its source.
    A name computed at run time cannot be followed."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    called = getattr(node.func, "attr", None) or getattr(node.func, "id", None)  # a.import_module, __import__
    name = _string(node.args[0])
    if called not in ("import_module", "__import__") or name is None:
        return None
    package = _string(node.args[1]) if called == "import_module" and len(node.args) > 1 else None
    return name, package


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _targets(node: _ImportNode, module: str, is_package: bool, modules: Mapping[str, Path]) -> Iterator[str]:
    """The project modules one import statement loads: ``from a import b`` is module ``a.b``
    when there is one, else a name taken from ``a``."""
    if isinstance(node, ast.Call):
        imported = _imported_by_call(node)
        assert imported is not None
        name, package = imported
        level = len(name) - len(name.lstrip("."))
        if level:
            relative = ast.ImportFrom(module=name[level:] or None, names=[], level=level)
            name = _absolute(relative, package or module, is_package or package is not None)
        if name in modules:
            yield name
        return
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names if alias.name in modules)
        return
    base = _absolute(node, module, is_package)
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule in modules:
            yield submodule
        elif base in modules:
            yield base


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


@dataclass(frozen=True)
class Rule:
    """Which project modules the modules under ``importers`` may import.

    A name stands for that module and every module below it. With ``may_import``, an
    importer may import only those (and its own package: the first two parts of its name,
    such as ``connectors.git``); ``must_not_import`` names what it may never import.
    Imports of a top-level package itself (``from ingest import __version__``) are always
    allowed: that module holds the version and imports nothing.
    """

    why: str
    importers: tuple[str, ...]
    may_import: tuple[str, ...] | None = None
    must_not_import: tuple[str, ...] = ()
    exempt: tuple[str, ...] = ()

    def covers(self, module: str) -> bool:
        return _under(module, self.importers) and not _under(module, self.exempt)

    def allows(self, item: Import) -> bool:
        if not self.covers(item.importer) or "." not in item.imported:
            return True
        if _under(item.imported, self.must_not_import):
            return False
        home = ".".join(item.importer.split(".")[:2])
        return self.may_import is None or _under(item.imported, (home, *self.may_import))


def broken_rules(
    imports: Sequence[Import], rules: Iterable[Rule], exceptions: Iterable[tuple[str, str]] = ()
) -> list[str]:
    """One line per import that breaks a rule and is not an ``(importer, imported)`` exception."""
    excused = set(exceptions)
    return [
        f"{item}: {rule.why}"
        for rule in rules
        for item in imports
        if not rule.allows(item) and (item.importer, item.imported) not in excused
    ]


def _under(module: str, names: Iterable[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in names)
