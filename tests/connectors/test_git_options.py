"""The git connector's plain parts: parsing ``repo``, redaction, links, options, environment, batching."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic import ValidationError

from connectors.git import GitOptions, GitRepoConnector
from connectors.git.batch import Batcher
from connectors.git.gitcmd import git_environment
from connectors.git.location import parse_location
from ingest.config import load_settings
from ingest.connector import ProvidesLinks, Resumable
from ingest.errors import ConfigError
from ingest.registry import load_connector

SECRET = "s3cr3t-Pa55"


def test_the_connector_is_registered_with_its_seams() -> None:
    """``connector = "git"`` finds the connector; it provides links and resumes from a checkpoint."""
    factory = load_connector("git")
    assert factory is GitRepoConnector
    assert factory.url_variables == frozenset(
        {"ref", "commit", "last_commit", "last_commit_time", "last_author"}
    )
    instance = factory(GitOptions(repo="/tmp/none"))
    assert isinstance(instance, ProvidesLinks) and isinstance(instance, Resumable)


def test_https_credentials_leave_the_url_and_every_printable_form() -> None:
    """User and password of an https URL are held apart; the URL git sees and the display carry neither."""
    location = parse_location(f"https://alice:{SECRET}@github.com/acme/handbook.git", None)
    assert location.url == "https://github.com/acme/handbook.git"
    assert location.display == "https://github.com/acme/handbook.git"
    assert (location.username, location.password) == ("alice", SECRET)
    assert SECRET not in repr(location) and "alice" not in repr(location)


def test_percent_encoded_password_is_decoded_and_redacted_in_both_forms() -> None:
    """A password written percent-encoded in the URL is redacted encoded and decoded."""
    location = parse_location("https://bot:p%40ss%2Fword@git.example.com/r.git", None)
    assert location.password == "p@ss/word"
    text = location.redact("tried p%40ss%2Fword then p@ss/word")
    assert "word" not in text


def test_redaction_blanks_http_userinfo_and_other_passwords_but_keeps_ssh_users() -> None:
    """Free text loses https userinfo and any URL password; ``git@host`` stays readable."""
    location = parse_location(f"https://alice:{SECRET}@example.com/r.git", None)
    text = location.redact(
        f"fatal: could not read Password for 'https://alice@example.com': {SECRET} "
        "ssh://git@example.com/r.git ssh://bob:hunter22@example.com/r.git https://tok3n@h/x"
    )
    assert SECRET not in text and "alice" not in text and "hunter22" not in text and "tok3n" not in text
    assert "ssh://git@example.com/r.git" in text and "ssh://bob:***@example.com" in text


def test_a_token_as_user_name_is_a_secret_too() -> None:
    """``https://TOKEN@host`` (GitHub's token-as-user form): the token is held apart and redacted."""
    location = parse_location("https://ghp_abcdef123456@github.com/o/r", None)
    assert location.url == "https://github.com/o/r" and location.username == "ghp_abcdef123456"
    assert location.redact("token ghp_abcdef123456 refused") == "token *** refused"


@pytest.mark.parametrize(
    ("repo", "template"),
    [
        ("https://github.com/acme/handbook.git", "https://github.com/acme/handbook/blob/{ref}/{path}"),
        ("git@github.com:acme/handbook.git", "https://github.com/acme/handbook/blob/{ref}/{path}"),
        ("ssh://git@github.com/acme/handbook", "https://github.com/acme/handbook/blob/{ref}/{path}"),
        ("https://x:y@www.github.com/acme/handbook/", "https://github.com/acme/handbook/blob/{ref}/{path}"),
        (
            "https://gitlab.com/group/sub/project.git",
            "https://gitlab.com/group/sub/project/-/blob/{ref}/{path}",
        ),
        ("git@gitlab.com:group/project.git", "https://gitlab.com/group/project/-/blob/{ref}/{path}"),
        ("https://bitbucket.org/team/docs.git", "https://bitbucket.org/team/docs/src/{ref}/{path}"),
        ("git@bitbucket.org:team/docs.git", "https://bitbucket.org/team/docs/src/{ref}/{path}"),
        ("https://git.example.com/acme/handbook.git", None),
        ("https://github.com/just-an-owner", None),
        ("file:///srv/git/handbook.git", None),
        ("/srv/git/handbook", None),
    ],
)
def test_default_link_template_for_well_known_hosts(repo: str, template: str | None) -> None:
    """GitHub, GitLab and Bitbucket remotes (https or ssh) get a blob-view link; others none."""
    assert GitRepoConnector(GitOptions(repo=repo)).default_url_template() == template


def test_cache_folder_name_is_readable_stable_and_free_of_credentials() -> None:
    """One cache folder per URL; credentials neither appear in its name nor change it."""
    with_secret = parse_location(f"https://alice:{SECRET}@github.com/acme/handbook.git", None)
    plain = parse_location("https://github.com/acme/handbook.git", None)
    other = parse_location("https://github.com/acme/other.git", None)
    assert with_secret.cache_name() == plain.cache_name() != other.cache_name()
    assert with_secret.cache_name().startswith("github.com-handbook-")
    assert SECRET not in with_secret.cache_name() and "alice" not in with_secret.cache_name()


@pytest.mark.parametrize(
    ("repo", "message"),
    [
        ("ext::sh -c touch% /tmp/pwned", "remote-helper"),
        ("ftp://example.com/r.git", "scheme ftp:// is not supported"),
        ("https:///no-host", "names no host"),
        ("--upload-pack=evil", "must not start with '-'"),
        ("  ", "must not be empty"),
    ],
)
def test_unusable_repo_values_are_refused_before_anything_runs(repo: str, message: str) -> None:
    """Remote helpers, unknown schemes, option-like values and empty values are config errors."""
    with pytest.raises(ValidationError, match=message):
        GitOptions(repo=repo)


def test_a_refused_url_is_never_echoed_with_its_password(tmp_path: Path) -> None:
    """The config error for a bad URL holding a password, and the error it chains, omit the password."""
    config = tmp_path / "ingest.toml"
    config.write_text(
        '[sources.docs]\nconnector = "git"\nurl = "https://docs.example.com"\n'
        f'repo = "gopher://alice:{SECRET}@example.com/r"\n'
    )
    with pytest.raises(ConfigError, match=r"sources\.docs\.repo: .*gopher:// is not supported") as caught:
        load_settings(config)
    assert SECRET not in str(caught.value) and SECRET not in str(caught.value.__cause__)


def test_local_repo_paths_start_at_the_config_folder(tmp_path: Path) -> None:
    """A relative ``repo`` is taken from the config file's folder, as other path options are."""
    options = GitOptions.model_validate({"repo": "../handbook"}, context={"base_dir": tmp_path / "config"})
    assert options.repo == str(tmp_path / "handbook")
    assert options.location().local_path == tmp_path / "handbook"


def test_paths_are_normalised_and_must_stay_inside_the_repository() -> None:
    """``paths`` entries are tidied to repo-relative POSIX folders; escaping ones are refused."""
    assert GitOptions(repo="/r", paths=("docs/", "./handbook//guides", "docs")).paths == (
        "docs",
        "handbook/guides",
    )
    assert GitOptions(repo="/r", paths=("docs", ".")).paths == ()
    for bad in ("../elsewhere", "/etc"):
        with pytest.raises(ValidationError, match="inside the repository"):
            GitOptions(repo="/r", paths=(bad,))


def test_refs_that_cannot_name_anything_are_refused() -> None:
    """A ref with spaces or a leading dash (an option to git) is a config error."""
    for bad in ("-b", "two words", ""):
        with pytest.raises(ValidationError, match="not a branch, tag or commit"):
            GitOptions(repo="/r", ref=bad)
    assert GitOptions(repo="/r", ref=" v1.2^0 ").ref == "v1.2^0"


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Remote clones go to $XDG_CACHE_HOME/fin-ingest/git unless cache_dir says otherwise."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert GitOptions(repo="/r").resolved_cache_dir() == tmp_path / "fin-ingest" / "git"
    options = GitOptions.model_validate({"repo": "/r", "cache_dir": "cache"}, context={"base_dir": tmp_path})
    assert options.resolved_cache_dir() == tmp_path / "cache"


def test_git_environment_is_prompt_free_and_carries_credentials_privately() -> None:
    """git runs without prompts or hook variables; URL credentials go to env-only config, after the user's."""
    location = parse_location(f"https://alice:{SECRET}@example.com/r.git", None)
    env = git_environment(
        location,
        {"PATH": "/usr/bin", "GIT_DIR": "/elsewhere", "GIT_CONFIG_COUNT": "1",
         "GIT_CONFIG_KEY_0": "http.proxy", "GIT_CONFIG_VALUE_0": "http://proxy:3128"},
    )  # fmt: skip
    assert env["GIT_TERMINAL_PROMPT"] == "0" and "GIT_DIR" not in env and env["LC_ALL"] == "C"
    assert env["GIT_CONFIG_KEY_0"] == "http.proxy" and env["GIT_CONFIG_COUNT"] == "3"
    assert (env["GIT_CONFIG_KEY_1"], env["GIT_CONFIG_VALUE_1"]) == ("credential.helper", "")
    assert env["GIT_CONFIG_KEY_2"] == "credential.helper" and SECRET not in env["GIT_CONFIG_VALUE_2"]
    assert SECRET in env.values()  # only as the value of the variable the helper reads


def test_a_user_name_alone_becomes_the_credential_user_name() -> None:
    """``https://alice@host``: the user's own helpers are asked for alice's password."""
    env = git_environment(parse_location("https://alice@example.com/r.git", None), {})
    assert (env["GIT_CONFIG_KEY_0"], env["GIT_CONFIG_VALUE_0"]) == ("credential.username", "alice")
    assert env["GIT_CONFIG_COUNT"] == "1"


async def test_calls_started_together_become_one_batch() -> None:
    """Calls gathered at once reach the handler as one batch; each caller gets its own result."""
    seen: list[list[int]] = []

    async def double(keys: Sequence[int]) -> list[int]:
        seen.append(list(keys))
        return [key * 2 for key in keys]

    batcher: Batcher[int, int] = Batcher(double)
    assert await asyncio.gather(*(batcher.submit(key) for key in range(5))) == [0, 2, 4, 6, 8]
    assert await batcher.submit(7) == 14
    assert seen == [[0, 1, 2, 3, 4], [7]]


async def test_a_failing_batch_fails_each_of_its_calls() -> None:
    """When the handler raises, every call of the batch raises that error."""

    async def broken(keys: Sequence[int]) -> list[int]:
        raise RuntimeError("git exploded")

    batcher: Batcher[int, int] = Batcher(broken)
    results = await asyncio.gather(*(batcher.submit(key) for key in range(3)), return_exceptions=True)
    assert [str(result) for result in results] == ["git exploded"] * 3


def test_url_template_may_use_the_files_last_change(tmp_path: Path) -> None:
    """{last_commit}, {last_commit_time} and {last_author} are accepted in a git source's url_template."""
    from ingest.config import load_settings

    config = tmp_path / "ingest.toml"
    config.write_text(
        '[sources.repo]\nconnector = "git"\nrepo = "https://git.example.com/o/r.git"\n'
        'url = "https://docs.example.com"\n'
        'url_template = "https://git.example.com/o/r/blob/{last_commit}/{path}#{last_author}"\n',
        encoding="utf-8",
    )
    assert load_settings(config).sources["repo"].settings.url_template is not None
