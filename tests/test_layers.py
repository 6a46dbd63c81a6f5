"""Imports flow one way: connector -> document -> converter -> planner -> targets -> client.

Every module of ``ingest/`` and ``connectors/`` is read with ``ast`` (nothing is imported)
and held to the rules below. They apply to every import, those inside functions too (the
CLI imports lazily, but never upwards); the cycle checks count those separately.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.import_graph import Import, Rule, broken_rules, find_cycles, find_modules, read_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "connectors")

#: Modules that import nothing of the project, so anything may import them.
FOUNDATION = ("ingest.errors", "ingest.canonical", "ingest.urltemplate")
#: What connectors use of ingest today besides FOUNDATION: the Connector protocol and its
#: options, the document types, the text-document reader (front matter, formats) and the
#: docs-site dialects, and the zip checks the export connectors share.
SDK = (
    "ingest.connector",
    "ingest.document",
    "ingest.textdoc",
    "ingest.frontmatter",
    "ingest.sites",
    "ingest.zipsafety",
    "ingest.export_options",
)
#: What the converter reads of the dialects' contract: how a site resolves links and names
#: headings (plain objects and Protocols, importing nothing but leaves).
SITE_CONTRACT = ("ingest.sites.contract", "ingest.sites.slugs")
#: Rules the SDK (and so the connectors) and the converter both follow, one leaf module each:
#: which links need no resolving, how a checkbox reads as text, how deep Markdown may nest,
#: what one document may cost to convert, how a full disk is said (a connector spooling a part
#: zip says it as the engine does).
SHARED = (
    "ingest.hrefs",
    "ingest.checkboxes",
    "ingest.markdown_nesting",
    "ingest.document_limits",
    "ingest.storage",
    # What keeps a document from being sent for a secret, carried by its Failure.
    "ingest.secret_scan.finding",
)
#: Imported by layers that must stay light, so they import nothing of the project either.
LEAVES = (
    *FOUNDATION,
    *SHARED,
    "ingest.api_defaults",
    "ingest.api_versions",
    "ingest.availability",
    "ingest.gc_pause",
    "ingest.progress",
    "ingest.language_id",
    "ingest.language_model",
    "ingest.source_url",
    "ingest.check_rules",
    # The container's health check: standard library only, so a probe a minute loads nothing.
    "ingest.health_probe",
)
ENGINE = (
    "ingest.engine",
    "ingest.results",
    "ingest.streaming",
    "ingest.runner",
    "ingest.collect",
    "ingest.conversion",
    "ingest.conversion_task",
    "ingest.conversion_pool",
    "ingest.conversion_preload",
    "ingest.plan",
    "ingest.watch",
    "ingest.monitoring",
    "ingest.reconcile",
    "ingest.soft_delete",
    "ingest.planfile",
    "ingest.notify",
)
FRONT_ENDS = (
    "ingest.cli",
    "ingest.commands",
    "ingest.demo",
    "ingest.report",
    "ingest.report_file",
    "ingest.reconcile_command",
    "ingest.config_summary",
    "ingest.workspace",
    "ingest.starter",
    "ingest.github_action",
)

#: Each target's settings module (its name, its table) and the registry that lists them.
TARGET_DECLARATIONS = (
    "ingest.targets.registry",
    *(
        f"ingest.targets.{path.parent.name}.settings"
        for path in (ROOT / "ingest/targets").glob("*/settings.py")
    ),
)
#: Each target's package (``ingest.targets.articles``...), which only the registry names.
TARGET_PACKAGES = tuple(
    f"ingest.targets.{path.parent.name}" for path in (ROOT / "ingest/targets").glob("*/settings.py")
)
#: Everything else of the targets: the planning and sending halves, which load the client.
TARGET_HALVES = tuple(
    module
    for module, path in find_modules(ROOT, ("ingest",)).items()
    if module.startswith("ingest.targets.")
    and module not in TARGET_DECLARATIONS
    and path.name != "__init__.py"
)

RULES = (
    Rule(
        "a connector uses only the SDK and leaf modules: nothing of the converter, Intercom, targets, "
        "the engine or state",
        importers=("connectors",),
        # The typing proof that each built-in fits ConnectorFactory names all three; nothing
        # imports it at run time.
        exempt=("connectors.factories",),
        may_import=(*SDK, *FOUNDATION, *SHARED),
    ),
    Rule(
        "the SDK loads with every connector, so it stays light: nothing of the converter, Intercom, "
        "targets, the engine or state",
        importers=SDK,
        may_import=(*SDK, *FOUNDATION, *SHARED),
    ),
    Rule(
        "ingest finds connectors by entry point and never imports them",
        importers=("ingest",),
        must_not_import=("connectors",),
    ),
    Rule(
        "the Intercom client is a library: it knows nothing of the engine, connectors, targets, "
        "the converter or state",
        importers=("ingest.intercom",),
        may_import=(*FOUNDATION, "ingest.api_defaults", "ingest.api_versions", "ingest.egress_proxy"),
    ),
    Rule(
        "which proxy a request takes (the Intercom client, the webhooks and the Action's comment ask "
        "it) is read from the environment alone: it says a bad variable with the errors, nothing more",
        importers=("ingest.egress_proxy",),
        may_import=FOUNDATION,
    ),
    Rule(
        "the converter turns documents into HTML: it knows nothing of Intercom, targets, the engine or state",
        importers=("ingest.convert",),
        may_import=(*FOUNDATION, "ingest.document", *SITE_CONTRACT, *SHARED),
    ),
    Rule(
        "the emulator stands in for Intercom: it knows nothing of the engine, nor of the client it tests",
        importers=("ingest.emulator",),
        # The source-url rule is one leaf, so the emulator refuses exactly what the config refuses.
        may_import=(*FOUNDATION, "ingest.api_defaults", "ingest.api_versions", "ingest.source_url"),
    ),
    Rule("a leaf module imports nothing of the project", importers=LEAVES, may_import=()),
    Rule(
        "the secret scan sits below the converter: it reads documents and pages (and detect-secrets), "
        "nothing of the converter, Intercom, targets, the engine or state",
        importers=("ingest.secret_scan",),
        may_import=(*FOUNDATION, *SHARED, "ingest.document", "ingest.secret_scan"),
    ),
    Rule(
        "state owns the SQLite file and knows nothing above it: no plan, target, client or engine",
        importers=("ingest.state",),
        may_import=LEAVES,
    ),
    Rule(
        "the report presents results to the front ends (cli, demo, reconcile_command); the engine "
        "reports progress through ingest.progress",
        importers=("ingest",),
        exempt=FRONT_ENDS,
        must_not_import=("ingest.report",),
    ),
    Rule(
        "configuration is read without the client, state or the engine, and of the targets only "
        "their declarations (the registry and each target's settings module)",
        importers=(
            "ingest.config",
            "ingest.config_env",
            "ingest.settings",
            "ingest.config_schema",
            "ingest.notify_settings",
        ),
        must_not_import=("ingest.intercom", "ingest.targets.base", "ingest.state", *ENGINE, *TARGET_HALVES),
    ),
    Rule(
        "collecting and planning come before the targets: they import no target, engine or front end",
        importers=(
            "ingest.collect",
            "ingest.plan",
            "ingest.conversion",
            "ingest.conversion_task",
            "ingest.conversion_pool",
            "ingest.conversion_preload",
            "ingest.secret_gate",
            "ingest.secret_check",
        ),
        must_not_import=("ingest.targets", "ingest.engine", "ingest.runner", "ingest.watch", *FRONT_ENDS),
    ),
    Rule(
        "ingest check reads and converts as a run does and sends nothing: no client, state, target, "
        "engine or front end",
        importers=("ingest.checking",),
        must_not_import=(
            "ingest.intercom",
            "ingest.state",
            "ingest.targets",
            "ingest.engine",
            "ingest.runner",
            "ingest.streaming",
            "ingest.execution",
            "ingest.watch",
            *FRONT_ENDS,
        ),
    ),
    Rule(
        "the GitHub Action's steps run the ingest command as a process: of the project they read only "
        "the configuration (where the state file is), the errors, the plan summary's escaping and "
        "which proxy the comment takes",
        importers=("ingest.github_action",),
        may_import=("ingest.errors", "ingest.config", "ingest.planfile.markdown", "ingest.egress_proxy"),
    ),
    Rule(
        "the engine asks targets through their Protocols and optional capabilities (ChecksRemote, "
        "Reconciles), knowing none by name",
        importers=(
            "ingest.engine",
            "ingest.execution",
            "ingest.streaming",
            "ingest.remote_check",
            "ingest.reconcile",
            "ingest.soft_delete",
        ),
        must_not_import=TARGET_PACKAGES,
    ),
)

#: Imports that break a rule today and are changed elsewhere; each says why and what would
#: remove it. An entry no longer needed fails the test, so the list only shrinks.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = {
    # The language identifier's model, mapped from a cache (a leaf of its own, importing nothing
    # of the project either), loaded inside a function on the first page that needs it.
    ("ingest.language_id", "ingest.language_model"),
}


def built_in_connectors() -> list[str]:
    """The modules of the connectors installed with ingest, as pyproject.toml registers them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return sorted(value.partition(":")[0] for value in project["entry-points"]["ingest.connectors"].values())


BUILT_IN_CONNECTORS = built_in_connectors()


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return read_imports(find_modules(ROOT, PACKAGES))


def test_every_import_follows_the_layers(imports: list[Import]) -> None:
    """No import runs back up the layers, except the known and commented ones."""
    assert broken_rules(imports, RULES, KNOWN_EXCEPTIONS) == []


def test_every_known_exception_is_still_needed(imports: list[Import]) -> None:
    """An exception whose import is gone (or no longer breaks a rule) is removed from the list."""
    breaking = {
        (item.importer, item.imported) for item in imports if not all(rule.allows(item) for rule in RULES)
    }
    assert KNOWN_EXCEPTIONS - breaking == set()


def test_the_root_package_holds_only_the_version(imports: list[Import]) -> None:
    """ingest/__init__.py imports nothing, so ``from ingest import __version__`` costs nothing."""
    assert [str(item) for item in imports if item.importer in PACKAGES] == []


def test_no_import_cycles_when_modules_load(imports: list[Import]) -> None:
    """Module-level imports (TYPE_CHECKING ones too) form no cycle."""
    assert find_cycles(item for item in imports if not item.deferred) == []


def test_no_cycle_closed_by_an_import_inside_a_function(imports: list[Import]) -> None:
    """The CLI's lazy imports only go down: none of them closes a cycle that would hide at load time."""
    assert find_cycles(imports) == []


def test_the_engine_and_the_connectors_load_without_what_they_must_not_know() -> None:
    """At run time too: the engine loads without the report, a connector without Intercom,
    targets, engine or state."""
    code = (
        "import sys, importlib\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ingest.report', 'ingest.intercom', "
        "'ingest.targets', 'ingest.engine', 'ingest.state'))))\n"
    )
    loaded = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, *BUILT_IN_CONNECTORS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
    loaded = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, "ingest.engine"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "ingest.report" not in loaded.stdout and "ingest.engine" in loaded.stdout


def converter_modules_loaded_by(module: str) -> list[str]:
    """The ``ingest.convert`` modules a fresh interpreter holds once ``module`` is imported:
    a subprocess, since this test run has loaded the converter already."""
    code = (
        "import importlib, sys\n"
        "importlib.import_module(sys.argv[1])\n"
        "print(*sorted(m for m in sys.modules if m.split('.')[:2] == ['ingest', 'convert']))\n"
    )
    loaded = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, module], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return loaded.stdout.split()


@pytest.mark.parametrize("module", [*BUILT_IN_CONNECTORS, *SDK])
def test_a_connector_and_the_sdk_load_without_the_converter(module: str) -> None:
    """Importing a built-in connector (or the SDK it uses) loads nothing of ingest.convert:
    the engine converts documents, connectors only read them."""
    assert converter_modules_loaded_by(module) == []


def test_the_converter_check_sees_the_converter_when_it_loads() -> None:
    """The probe is not blind: a module that uses the converter is caught loading it."""
    assert "ingest.convert" in converter_modules_loaded_by("ingest.convert.html")


# The checker itself, on a small package written for the purpose --------------------------


def write_package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def imports_of(root: Path) -> list[Import]:
    return read_imports(find_modules(root, PACKAGES))


CLEAN = {
    "ingest/__init__.py": '__version__ = "0"\n',
    "ingest/errors.py": "class IngestError(Exception): ...\n",
    "ingest/document.py": "from ingest.errors import IngestError\n",
    "ingest/engine.py": "from ingest.intercom import client\nfrom ingest.document import IngestError\n",
    "ingest/intercom/__init__.py": "from ingest.intercom.client import Client\n",
    "ingest/intercom/client.py": "from ingest import __version__\nfrom ingest.errors import IngestError\n",
    "connectors/__init__.py": "",
    "connectors/files/__init__.py": "from connectors.files.reader import read\n",
    "connectors/files/reader.py": "from ingest.document import IngestError\n",
}


def test_the_rules_pass_a_package_that_follows_them(tmp_path: Path) -> None:
    """A package whose imports flow one way breaks no rule and has no cycle."""
    write_package(tmp_path, CLEAN)
    found = imports_of(tmp_path)
    assert broken_rules(found, RULES) == [] and find_cycles(found) == []


@pytest.mark.parametrize(
    ("module", "bad_import", "broken"),
    [
        (
            "ingest/intercom/client.py",
            "from ingest.engine import run",
            "ingest.intercom.client imports ingest.engine",
        ),
        (
            "connectors/files/reader.py",
            "import ingest.intercom.client",
            "connectors.files.reader imports ingest.intercom.client",
        ),
        (
            "connectors/files/reader.py",
            "from ingest.intercom import client",
            "connectors.files.reader imports ingest.intercom.client",
        ),
        (
            "ingest/engine.py",
            "from connectors.files import reader",
            "ingest.engine imports connectors.files.reader",
        ),
        (
            "ingest/errors.py",
            "def f():\n    from ingest.document import x",
            "ingest.errors imports ingest.document (inside a function)",
        ),
        # Imports by name at run time are imports all the same.
        (
            "connectors/files/reader.py",
            'import importlib\nclient = importlib.import_module("ingest.intercom.client")',
            "connectors.files.reader imports ingest.intercom.client",
        ),
        (
            "ingest/engine.py",
            'from importlib import import_module\nreader = import_module("connectors.files.reader")',
            "ingest.engine imports connectors.files.reader",
        ),
        (
            "connectors/files/reader.py",
            'def f():\n    return __import__("ingest.intercom.client")',
            "connectors.files.reader imports ingest.intercom.client (inside a function)",
        ),
        (
            "ingest/intercom/client.py",
            'import importlib\nengine = importlib.import_module("..engine", __package__)',
            "ingest.intercom.client imports ingest.engine",
        ),
    ],
)
def test_a_bad_import_is_caught_and_named(tmp_path: Path, module: str, bad_import: str, broken: str) -> None:
    """One import added against the layers fails the check, naming file, line and both modules."""
    write_package(tmp_path, {**CLEAN, module: CLEAN[module] + bad_import + "\n"})
    (line,) = broken_rules(imports_of(tmp_path), RULES)
    assert f"{tmp_path / module}:" in line and broken in line


def test_an_exception_excuses_exactly_its_import(tmp_path: Path) -> None:
    """A listed (importer, imported) pair is allowed; the same importer's other bad imports are not."""
    bad = "from ingest.engine import run\nfrom ingest import engine\nimport connectors.files\n"
    write_package(tmp_path, {**CLEAN, "ingest/intercom/client.py": bad})
    lines = broken_rules(imports_of(tmp_path), RULES, {("ingest.intercom.client", "ingest.engine")})
    # Two rules forbid the connector import: the client's and "ingest never imports connectors".
    assert len(lines) == 2 and all(
        "ingest.intercom.client imports connectors.files:" in line for line in lines
    )


def test_cycles_are_found_at_load_time_and_through_functions(tmp_path: Path) -> None:
    """A module-level circle is a load-time cycle; one closed inside a function is told apart."""
    write_package(
        tmp_path,
        {
            **CLEAN,
            "ingest/a.py": "from ingest import b\n",
            "ingest/b.py": "from . import c\n",
            "ingest/c.py": "def later():\n    from .a import x\n",
            "ingest/d.py": "import ingest.d\n",
        },
    )
    found = imports_of(tmp_path)
    assert find_cycles(item for item in found if not item.deferred) == [["ingest.d"]]
    assert find_cycles(found) == [["ingest.a", "ingest.b", "ingest.c"], ["ingest.d"]]
