"""A git remote as the web link of its files: GitHub and GitLab shapes, credentials dropped."""

from __future__ import annotations

import pytest

from ingest.starter.remote import web_url, without_credentials


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("https://github.com/acme/handbook.git", "https://github.com/acme/handbook"),
        ("https://github.com/acme/handbook", "https://github.com/acme/handbook"),
        ("git@github.com:acme/handbook.git", "https://github.com/acme/handbook"),
        ("ssh://git@github.com/acme/handbook.git", "https://github.com/acme/handbook"),
        ("git@gitlab.com:acme/support/handbook.git", "https://gitlab.com/acme/support/handbook"),
        ("ssh://git@gitlab.example.com:2222/acme/handbook.git", "https://gitlab.example.com/acme/handbook"),
        ("https://github.example.com/acme/handbook.git", "https://github.example.com/acme/handbook"),
        ("https://bitbucket.org/acme/handbook.git", None),  # another blob shape: not guessed
        ("/srv/git/handbook.git", None),
        ("https://github.com/acme", None),  # no repository in the path
    ],
)
def test_web_url_of_a_remote(remote: str, expected: str | None) -> None:
    """https, ssh and scp-like remotes on GitHub and GitLab hosts give the repository's web page."""
    assert web_url(remote) == expected


def test_credentials_are_dropped_from_an_https_remote() -> None:
    """user:token@ in an https remote never survives; an scp-like user (git@) is part of the address."""
    assert without_credentials("https://bob:ghp_x1@github.com/acme/h.git") == "https://github.com/acme/h.git"
    assert without_credentials("https://oauth2:glpat-x@gitlab.com:8443/a/h") == "https://gitlab.com:8443/a/h"
    assert without_credentials("git@github.com:acme/h.git") == "git@github.com:acme/h.git"
