"""Running the real ``git`` command line, asynchronously, without prompts and without leaks.

The command-line tool is used on purpose: it honours the user's SSH agent, credential
helpers, ``GIT_ASKPASS`` and ``~/.gitconfig``. Every command runs

* in a new session (no controlling terminal, so neither git nor ssh can stop to ask a
  question) with ``GIT_TERMINAL_PROMPT=0`` and stdin closed: a missing credential fails
  at once instead of hanging;
* under a time limit, after which its whole process group is killed;
* with C-locale messages, so that failures can be recognised;
* without the repository-selecting variables (``GIT_DIR``...) a git hook may have set.

Credentials taken out of an http(s) URL reach git through the environment: a one-line
credential helper reads them from two private variables, so they appear on no command
line (visible to every user in ``ps``) and in no file. Everything git writes to stderr is
redacted before it is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from connectors.git.location import RepoLocation

#: Variables that point git at a repository other than the one we name (set inside git hooks).
_REPOSITORY_ENV = frozenset(
    {
        "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_PREFIX", "GIT_QUARANTINE_PATH",
        "GIT_SHALLOW_FILE", "GIT_GRAFT_FILE", "GIT_REPLACE_REF_BASE", "GIT_NO_REPLACE_OBJECTS",
    }
)  # fmt: skip
_USERNAME_VAR = "FIN_INGEST_GIT_USERNAME"
_PASSWORD_VAR = "FIN_INGEST_GIT_PASSWORD"  # noqa: S105 - the variable's name, not a password
_CREDENTIAL_HELPER = (
    '!f() { test "$1" = get && '
    f'printf "username=%s\\npassword=%s\\n" "${_USERNAME_VAR}" "${_PASSWORD_VAR}"; }}; f'
)
_STDERR_KEPT = 4000


class GitError(Exception):
    """Base of the failures of one git command; messages are already redacted."""


class GitNotFound(GitError):
    """The ``git`` executable is not installed or not on PATH."""


class GitTimeout(GitError):
    """A git command ran past its time limit and was killed."""


class GitFailed(GitError):
    """A git command exited non-zero; ``stderr`` is its redacted error output."""

    def __init__(self, command: str, returncode: int, stderr: str) -> None:
        self.command = command
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(f"git {command} failed ({returncode}): {stderr.strip() or 'no message'}")


def git_environment(location: RepoLocation, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment git runs with: the user's, made prompt-free, plus the URL's credentials."""
    env = {key: value for key, value in (os.environ if base is None else base).items()}
    for key in _REPOSITORY_ENV:
        env.pop(key, None)
    env.update(GIT_TERMINAL_PROMPT="0", GCM_INTERACTIVE="never", LC_ALL="C", LANGUAGE="C")
    extra: list[tuple[str, str]] = []
    if location.password is not None:
        # An empty helper first drops the user's helpers: the URL's credentials are meant.
        extra += [("credential.helper", ""), ("credential.helper", _CREDENTIAL_HELPER)]
        env[_USERNAME_VAR] = location.username or ""
        env[_PASSWORD_VAR] = location.password
    elif location.username:
        extra.append(("credential.username", location.username))
    if extra:
        try:
            count = int(env.get("GIT_CONFIG_COUNT", "0") or "0")
        except ValueError:
            count = 0
        for index, (key, value) in enumerate(extra, start=count):
            env[f"GIT_CONFIG_KEY_{index}"] = key
            env[f"GIT_CONFIG_VALUE_{index}"] = value
        env["GIT_CONFIG_COUNT"] = str(count + len(extra))
    return env


@dataclass
class Git:
    """Runs git for one repository location. ``git_dir`` is set once the repository is open."""

    location: RepoLocation
    timeout: float
    git_dir: Path | None = None
    calls: int = 0
    env: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.env:
            self.env = git_environment(self.location)

    def _argv(self, args: tuple[str, ...]) -> list[str]:
        prefix = [f"--git-dir={self.git_dir}"] if self.git_dir is not None else []
        return ["git", "--literal-pathspecs", *prefix, *args]

    async def _spawn(self, args: tuple[str, ...], *, stdin: bool) -> asyncio.subprocess.Process:
        self.calls += 1
        try:
            return await asyncio.create_subprocess_exec(
                *self._argv(args),
                stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self.env,
                start_new_session=True,
            )
        except FileNotFoundError as exc:
            raise GitNotFound("git is not installed (no 'git' command on PATH)") from exc

    async def run(self, *args: str, input: bytes | None = None) -> bytes:
        """Run ``git <args>``; its stdout, or GitFailed / GitTimeout / GitNotFound."""
        process = await self._spawn(args, stdin=input is not None)
        try:
            async with asyncio.timeout(self.timeout):
                stdout, stderr = await process.communicate(input)
        except TimeoutError:
            message = f"git {_name(args)} took longer than {self.timeout:g} s and was stopped"
            raise GitTimeout(message) from None
        finally:
            await _reap(process)
        if process.returncode != 0:
            raise GitFailed(_name(args), process.returncode or -1, self._clean(stderr))
        return stdout

    async def succeeds(self, *args: str) -> bool:
        """Whether ``git <args>`` exits 0 (for questions like ``cat-file -e``)."""
        try:
            await self.run(*args)
        except GitFailed:
            return False
        return True

    @contextlib.asynccontextmanager
    async def stream(self, *args: str) -> AsyncIterator[asyncio.StreamReader]:
        """Run ``git <args>`` and hand over its stdout; the process is killed when the block ends
        early, so a reader may stop as soon as it has what it needs."""
        process = await self._spawn(args, stdin=False)
        assert process.stdout is not None
        try:
            yield process.stdout
        finally:
            await _reap(process)

    def _clean(self, stderr: bytes) -> str:
        text = stderr.decode("utf-8", "replace")[-_STDERR_KEPT:]
        return self.location.redact(text)


def _name(args: tuple[str, ...]) -> str:
    """The sub-command in ``args`` (``fetch`` in ``-c key=value fetch origin``)."""
    skip = False
    for arg in args:
        if skip or arg.startswith("-"):
            skip = arg in ("-c", "-C")
            continue
        return arg
    return "?"


async def _reap(process: asyncio.subprocess.Process) -> None:
    """Kill ``process`` (and its children: ssh, remote helpers) if still running, then wait."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)  # git started it as a session of its own
            else:  # pragma: no cover - Windows has no process groups to kill
                process.kill()
    # Shielded: a cancelled run must still collect its child, or it would linger as a zombie.
    await asyncio.shield(process.wait())
