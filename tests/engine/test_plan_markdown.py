"""The saved plan's Markdown summary: counts, lists cut to fit a GitHub comment, nothing that breaks out."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from ingest.planfile.markdown import COMMENT_LIMIT, code, plan_markdown, text
from ingest.planfile.model import Counts, PlanFile, PlanItem, SourceEntry, TargetEntry

DIGEST = "a" * 64


def plan_of(items: list[PlanItem], *, source: str = "docs", refusal: str | None = None) -> PlanFile:
    counts = Counts(
        **{kind: sum(item.kind == kind for item in items) for kind in ("create", "update", "delete")}
    )
    target = TargetEntry(
        target="external_pages",
        state_digest=DIGEST,
        items_digest=DIGEST,
        refusal=refusal,
        counts=counts,
        items=items,
    )
    return PlanFile(
        format="fin-ingest-plan",
        version=1,
        created_at="2026-01-01T00:00:00+00:00",
        fin_ingest="0.1.0",
        sources=[SourceEntry(source=source, config_digest=DIGEST, scan_digest=DIGEST, targets=[target])],
    )


def rendered_html(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def test_counts_table_then_a_collapsible_list_per_kind() -> None:
    """A counts row per source and target, then <details> lists of paths and titles, updates with
    the digest sent and the digest now."""
    items = [
        PlanItem(kind="create", locator="a.md", external_id="a.md", title="Alpha", digest=DIGEST),
        PlanItem(
            kind="update",
            locator="b.md",
            external_id="b.md",
            title="Beta",
            digest="c" * 64,
            previous_digest="b" * 64,
        ),
        PlanItem(kind="delete", locator="gone.md", external_id="gone.md", title="Gone"),
    ]
    markdown = plan_markdown(plan_of(items))
    assert "| docs | external\\_pages | 1 | 1 | 1 | 0 | 0 | 0 | 0 | 0 |" in markdown
    assert "<details><summary>docs (external_pages): 1 creates</summary>" in markdown
    assert "- `a.md` Alpha" in markdown
    assert "- `b.md` Beta (sent `bbbbbbbbbbbb`, now `cccccccccccc`)" in markdown
    assert "<details><summary>docs (external_pages): 1 deletes</summary>" in markdown


def test_a_long_plan_is_cut_under_the_comment_limit_with_a_count_of_the_rest() -> None:
    """50,000 items with long titles: the comment fits GitHub's limit and says how many were left out."""
    items = [
        PlanItem(kind="create", locator=f"docs/{index:05d}/{'x' * 80}.md", title="T" * 120, digest=DIGEST)
        for index in range(50_000)
    ]
    markdown = plan_markdown(plan_of(items))
    assert len(markdown) < COMMENT_LIMIT
    listed = markdown.count("\n- `docs/")
    assert 0 < listed < 50_000
    (more,) = re.findall(r"- … and (\d+) more \(see the plan file\)", markdown)
    assert int(more) == 50_000 - listed
    assert markdown.rstrip().endswith("</details>")


def test_many_lists_past_the_budget_are_counted_not_listed() -> None:
    """When the budget is spent before every list is opened, the rest are counted in one line."""
    items = [
        PlanItem(kind=kind, locator=f"{kind}-{i}.md", title="t" * 200)
        for kind in ("create", "delete", "skip")
        for i in range(400)
    ]
    markdown = plan_markdown(plan_of(items), limit=20_000)
    assert len(markdown) < 20_000
    assert re.search(r"\d+ more items in \d+ lists are not shown: see the plan file\.", markdown)


def test_a_title_cannot_break_out_of_the_markdown_or_inject_html() -> None:
    """Titles and paths with HTML, Markdown, a closing </details>, mentions and backticks show as text."""
    hostile = "</details><script>alert(1)</script> **bold** [link](https://evil.example) @octocat #12 | a\nb"
    items = [
        PlanItem(kind="create", locator="we`ird/`path`.md", title=hostile, digest=DIGEST),
        PlanItem(kind="failure", locator="bad.md", detail="<img src=x onerror=alert(1)> failed"),
    ]
    markdown = plan_markdown(plan_of(items, source="do|cs"))
    html = rendered_html(markdown)
    assert "<script" not in html and "<img" not in html and "<strong>" not in html and "<a " not in html
    assert html.count("<details>") == html.count("</details>") == 2
    assert "@\u200bocto" in markdown and "#\u200b12" in markdown
    assert "<code>we`ird/`path`.md</code>" in html
    # The table keeps its ten columns with a | in the source's name.
    assert re.search(r"<td>do\|cs</td>", html)


def test_code_span_and_text_helpers() -> None:
    """A code span holds any backticks; text escapes Markdown and HTML."""
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert text("<b>*x*</b>") == "&lt;b&gt;\\*x\\*&lt;/b&gt;"


def test_the_table_counts_restores_and_expiries_apart_as_the_lists_and_the_run_do() -> None:
    """A restore is an update and an expiry a delete in the plan's counts; the table gives each its
    own column, so its update and delete columns agree with the lists below it."""
    items = [
        PlanItem(kind="update", locator="b.md", external_id="b.md", title="Beta", digest=DIGEST),
        PlanItem(kind="restore", locator="back.md", external_id="back.md", title="Back", digest=DIGEST),
        PlanItem(kind="delete", locator="gone.md", external_id="gone.md", title="Gone"),
        PlanItem(kind="expire", locator="old.md", external_id="old.md", title="Old"),
        PlanItem(kind="withdraw", locator="away.md", external_id="away.md", title="Away"),
    ]
    plan = plan_of(items)
    target = (
        plan.sources[0]
        .targets[0]
        .model_copy(update={"counts": Counts(update=2, delete=2, withdraw=1, restore=1, expire=1)})
    )
    source = plan.sources[0].model_copy(update={"targets": [target]})
    markdown = plan_markdown(plan.model_copy(update={"sources": [source]}))
    header = next(line for line in markdown.splitlines() if line.startswith("| source"))
    row = next(line for line in markdown.splitlines() if line.startswith("| docs"))
    columns = [name.strip() for name in header.strip("|").split("|")]
    numbers = [value.strip() for value in row.strip("|").split("|")]
    assert dict(zip(columns, numbers, strict=True)) | {"target": ""} == {
        "source": "docs",
        "target": "",
        "create": "0",
        "update": "1",
        "delete": "1",
        "withdraw": "1",
        "restore": "1",
        "expire": "1",
        "availability": "0",
        "tags": "0",
        "unchanged": "0",
        "skipped": "0",
        "failed": "0",
    }
    assert "<details><summary>docs (external_pages): 1 updates</summary>" in markdown
    assert "<details><summary>docs (external_pages): 1 restores</summary>" in markdown
