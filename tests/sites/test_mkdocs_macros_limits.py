"""mkdocs-macros pages are rendered in a sandbox bounded in time, memory and length: a hostile
or runaway template fails its page quickly, naming why, and never stalls the run or reads a file."""

from __future__ import annotations

import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pytest

from ingest.sites import PageProblem, PreparedPage, SiteSettings
from ingest.sites.mkdocs import MkDocsSite, bounded
from ingest.sites.mkdocs.bounded import MacrosLimits
from ingest.sites.mkdocs.config import read_config
from tests.sites.mkdocs_support import MemoryFiles, load

CONFIG = "site_name: Acme\nplugins:\n  - macros\n"
#: A YAML "billion laughs": nine aliases deep, nine times each, 9**9 strings once expanded.
LAUGHS = "a0: &a0 [ha, ha, ha, ha, ha, ha, ha, ha, ha]\n" + "".join(
    f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]\n" for level in range(1, 10)
)


async def prepared(
    markdown: str, files: dict[str, str] | None = None, limits: MacrosLimits | None = None
) -> PreparedPage | PageProblem:
    source = MemoryFiles({"mkdocs.yml": CONFIG, "docs/page.md": markdown, **(files or {})})
    config = await read_config(source, "mkdocs.yml")
    site = MkDocsSite(source, SiteSettings(), config, macros_limits=limits or MacrosLimits())
    result = await load(site, source, "docs/page.md")
    assert not isinstance(result, str)
    assert isinstance(result, PreparedPage | PageProblem), result
    return result


async def problem(
    markdown: str, files: dict[str, str] | None = None, limits: MacrosLimits | None = None
) -> str:
    started = time.monotonic()
    result = await prepared(markdown, files, limits)
    assert isinstance(result, PageProblem), result
    assert time.monotonic() - started < 8
    return result.message


@pytest.mark.parametrize(
    "template",
    [
        "{{ 'x' * 10**10 }}",
        "{% set n = 10**10 %}{{ 'x' * n }}",
        "{{ 'x'|center(10**10) }}",
        "{{ '%*d'|format(10**10, 1) }}",
    ],
)
async def test_a_template_filling_memory_fails_its_page(template: str) -> None:
    """Text too large to hold (made by an operator, a filter or a global) fails the page at once."""
    message = await problem(f"# Page\n\n{template}\n")
    assert message.startswith("its macros (Jinja)")
    assert "MB" in message or "characters" in message


async def test_a_billion_laughs_in_include_yaml_fails_its_page() -> None:
    """A YAML file of nested aliases is small until it is printed whole: its page fails."""
    message = await problem(
        "---\ninclude_yaml: [data/laughs.yml]\n---\n# Page\n\n{{ a9 }}\n", {"data/laughs.yml": LAUGHS}
    )
    assert message == (
        "data/laughs.yml, which include_yaml names, cannot be read: its aliases expand to more than "
        '1,000,000 values (a "billion laughs"?); the page is not sent'
    )


async def test_a_billion_laughs_in_the_config_printed_whole_fails_its_page() -> None:
    """Within the limit of aliases, a config printed whole is bounded by the worker's memory or length."""
    result = await prepared(
        "# Page\n\n{% for i in range(100000) %}{{ config }}{% endfor %}\n",
        limits=MacrosLimits(characters=1_000_000),
    )
    assert isinstance(result, PageProblem)
    assert "its macros (Jinja)" in result.message


async def test_a_loop_too_long_fails_its_page_when_time_is_up() -> None:
    """Loops nested in each other (each within Jinja's own range limit) stop at the time limit."""
    loops = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    message = await problem(f"# Page\n\n{loops}\n", limits=MacrosLimits(seconds=1))
    assert message == ("its macros (Jinja) ran longer than 1 s (a loop too long?); the page is not sent")


async def test_a_global_making_text_for_too_long_fails_its_page() -> None:
    message = await problem("# Page\n\n{{ lipsum(10**8) }}\n", limits=MacrosLimits(seconds=1))
    assert "ran longer than 1 s" in message or "MB" in message


async def test_a_macro_calling_itself_fails_its_page() -> None:
    message = await problem("# Page\n\n{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}\n")
    assert "calls itself" in message


async def test_a_macro_calling_itself_twice_stops_at_the_time_limit() -> None:
    twice = "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
    message = await problem(f"# Page\n\n{twice}\n", limits=MacrosLimits(seconds=1))
    assert "ran longer than 1 s" in message


async def test_a_page_rendering_too_much_text_fails() -> None:
    message = await problem(
        "# Page\n\n{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}\n",
        limits=MacrosLimits(characters=100_000),
    )
    assert message == ("its macros (Jinja) render more than 100,000 characters; the page is not sent")


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.system('id') }}",
        "{{ self._TemplateReference__context }}",
        "{% for i in range(10**9) %}x{% endfor %}",
    ],
)
async def test_what_the_sandbox_refuses_fails_its_page(template: str) -> None:
    """The sandbox refuses what would run code, and ranges beyond its limit; the page fails saying
    so, rather than losing the expression silently."""
    message = await problem(f"# Page\n\nText {template}\n")
    assert message.startswith("its macros (Jinja) do what the sandbox forbids")


async def test_includes_and_imports_of_templates_read_no_file() -> None:
    """``{% include %}``, ``{% import %}`` and ``{% extends %}`` read nothing (no file, no secret):
    they render as nothing and are counted."""
    result = await prepared(
        "# Page\n\nText {% include '/etc/passwd' %}{% include '../../mkdocs.yml' %}.\n"
        "{% import 'mkdocs.yml' as m %}\n"
    )
    assert isinstance(result, PreparedPage)
    assert result.body.strip() == "# Page\n\nText ."
    assert result.unknown == {"macro:include": 3}


async def test_a_page_within_the_limits_renders_as_before() -> None:
    result = await prepared(
        "# Page\n\n{% for i in range(3) %}{{ i }}{% endfor %}\n",
        limits=MacrosLimits(seconds=5, characters=1_000),
    )
    assert isinstance(result, PreparedPage)
    assert result.body.strip() == "# Page\n\n012"


class _BreakingPool:
    """Stands in for pebble's pool: the first ``breaks`` schedules fail as a pool whose workers all
    died at once does ("All workers expired"), then work is run here."""

    def __init__(self, breaks: int) -> None:
        self.breaks = breaks
        self.scheduled = 0

    def schedule(self, function: Any, args: tuple[Any, ...], timeout: float) -> Future[Any]:
        self.scheduled += 1
        future: Future[Any] = Future()
        if self.scheduled <= self.breaks:
            future.set_exception(BrokenProcessPool("All workers expired"))
        else:
            future.set_result(function(*args))
        return future


@pytest.mark.parametrize(("breaks", "renders"), [(1, True), (2, False)])
async def test_a_pool_whose_workers_all_died_is_started_again_once(
    monkeypatch: pytest.MonkeyPatch, breaks: int, renders: bool
) -> None:
    """A worker dying between tasks breaks pebble's whole pool: the page is rendered again in a new
    pool; a second break fails that page alone, saying why, instead of escaping the site."""
    pool = _BreakingPool(breaks)
    monkeypatch.setattr(bounded, "_worker_pool", lambda memory, fresh=False: pool)
    rendered = lambda text, limit: (text.upper(), {})  # noqa: E731
    if renders:
        assert await bounded.render_in_worker(rendered, ("page",), MacrosLimits()) == ("PAGE", {})
    else:
        with pytest.raises(bounded.MacrosTooCostly, match="could not be started"):
            await bounded.render_in_worker(rendered, ("page",), MacrosLimits())
    assert pool.scheduled == 2
