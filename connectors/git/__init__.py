"""The ``git`` connector: a repository's documents at a branch, tag or commit, read with the git CLI.

Entry point: ``connectors.git:GitRepoConnector``. The package splits the work by job:
``location`` (parsing ``repo``, keeping credentials out of sight), ``gitcmd`` (running git),
``diagnose`` (git's failures as one sentence), ``opening`` (a local repository, or a cached
clone of a remote), ``repository`` (resolve, list, read), ``history`` (each file's last
commit), ``batch`` (one git call per group of loads), ``options`` and ``connector``.
"""

from __future__ import annotations

from connectors.git.connector import GitRepoConnector
from connectors.git.options import GitOptions

__all__ = ["GitOptions", "GitRepoConnector"]
