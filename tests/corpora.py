"""Where the real third-party corpora are, and the mark for tests that need one.

The corpora (Confluence exports, the Material for MkDocs docs) are too large and not ours to
keep in the repository: they sit in ``shared/corpora`` beside it, or wherever the variable
``FIN_INGEST_CORPORA`` points. Tests that need one are skipped without it, and the run's last
lines say how many were skipped and how to run them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENV = "FIN_INGEST_CORPORA"
CORPORA = Path(os.environ.get(ENV) or Path(__file__).resolve().parents[2] / "shared" / "corpora")


def requires_corpus(name: str) -> pytest.MarkDecorator:
    """Marks a test (or, as ``pytestmark``, a module) that reads ``CORPORA / name``."""
    return pytest.mark.skipif(not (CORPORA / name).is_dir(), reason=f"corpus {name!r} not found in {CORPORA}")


def how_to_enable(skipped: int) -> str:
    """The line that ends a run in which corpus tests were skipped."""
    return (
        f"{skipped} test{'s' * (skipped != 1)} on real third-party corpora skipped: put the corpora in "
        f"{CORPORA} or set {ENV} to their folder to run them"
    )
