"""What a release publishes: an sdist and a wheel that build, pass ``twine check`` (the checks
PyPI makes of their metadata and README), carry the version from its one place, and hold what
the package needs at run time (the JSON Schema of a saved plan, the report's template)."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from ingest import __version__

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # No isolation: the build backend of the test extra is used, nothing is fetched.
    subprocess.run(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--sdist",
            "--wheel",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return out


def test_the_sdist_and_the_wheel_pass_twine_check(dist: Path) -> None:
    artefacts = sorted(dist.iterdir())
    assert [path.name for path in artefacts] == [
        f"fin_ingest-{__version__}-py3-none-any.whl",
        f"fin_ingest-{__version__}.tar.gz",
    ]
    checked = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, artefacts)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2


def test_the_wheel_holds_its_version_and_its_data_files(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"fin_ingest-{__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata
    assert "ingest/planfile/plan.schema.json" in names
    assert any(name.startswith("ingest/checking/templates/") for name in names)
    assert not any(name.startswith("tests/") for name in names)


def test_the_sdist_holds_the_changelog_and_the_readme(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {
        "README.md",
        "CHANGELOG.md",
        "config.example.toml",
        "config.schema.json",
        "pyproject.toml",
    } <= names
    assert "ingest/__init__.py" in names
