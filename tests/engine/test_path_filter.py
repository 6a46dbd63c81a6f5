"""The source's include/exclude globs, and the default's fast path that matches without them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from wcmatch import glob

from ingest.collect import PathFilter

_FLAGS = glob.GLOBSTAR | glob.DOTGLOB | glob.NEGATE | glob.BRACE
#: Path segments a locator may hold, the odd ones included (dots, globs' own characters).
_SEGMENTS = st.sampled_from(
    ["a", "b.md", ".hidden", ".", "..", "...", "[x].md", "{a,b}.md", "!x.md", "*", "-", "ü.md", "a b", ""]
)


@given(st.lists(_SEGMENTS, min_size=1, max_size=5).map("/".join))
def test_the_default_filter_takes_exactly_what_the_double_star_glob_takes(path: str) -> None:
    assert PathFilter(["**"], [])(path) == glob.compile(["**"], flags=_FLAGS).match(path)
    assert PathFilter([], [])(path) == glob.compile(["**"], flags=_FLAGS).match(path)


def test_a_path_with_a_dot_segment_is_not_taken_by_default() -> None:
    taken = PathFilter(["**"], [])
    assert [path for path in ("a/./b.md", "../b.md", "a/..", ".", "a/.b.md", "a/...md") if taken(path)] == [
        "a/.b.md",
        "a/...md",
    ]


def test_include_and_exclude_still_apply_beside_the_default() -> None:
    paths = ["guides/a.md", "guides/drafts/b.md", "api/c.md"]
    assert [p for p in paths if PathFilter(["guides/**"], [])(p)] == ["guides/a.md", "guides/drafts/b.md"]
    assert [p for p in paths if PathFilter(["**"], ["**/drafts/**"])(p)] == ["guides/a.md", "api/c.md"]
