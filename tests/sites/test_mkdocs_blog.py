"""Material's blog index: its own text, then the excerpts of the latest posts, as the plugin shows them."""

from __future__ import annotations

from tests.sites.mkdocs_support import MemoryFiles, open_site, page

CONFIG = "site_name: X\nsite_url: https://x.test/\nplugins:\n  - blog\n"

RELEASE = """---
date: 2024-03-01
---

# Version 2 is out

It is **faster**. See the [setup] and the [changelog](../../changelog.md#v2).

## What changed

Everything.

<!-- more -->

The rest of the post, only on its own page.

  [setup]: ../../setup.md
"""

ROADMAP = """---
date:
  created: 2024-01-15
title: Our roadmap
---

A post without a heading, without a separator: the whole of it is its excerpt.

```python
# a comment, not a heading
```
"""

PINNED = """---
date: 2023-06-01
pin: true
title: Pinned
---

# Read `this` first

Pinned posts come first.

<!-- more -->

Hidden.
"""

DRAFT = "---\ndate: 2024-04-01\ndraft: true\n---\n\n# Not yet\n\nSecret.\n"


def blog(**posts: str) -> MemoryFiles:
    return MemoryFiles(
        {
            "mkdocs.yml": CONFIG,
            "docs/setup.md": "# Setup\n\nText.\n",
            "docs/changelog.md": "# Changelog\n\n## v2\n",
            "docs/blog/index.md": "# Blog\n\nNews from the team.\n",
            **{f"docs/blog/posts/{name}.md": text for name, text in posts.items()},
        }
    )


async def test_the_blog_index_shows_each_posts_excerpt_newest_first_pinned_on_top() -> None:
    """Each post: its title (its own ``# Heading``, else its title) as a heading one level down
    linking to the post, its text up to
    ``<!-- more -->`` (the whole post without one) with headings one level down too, its
    relative links made relative to the index; drafts are not shown."""
    files = blog(release=RELEASE, roadmap=ROADMAP, pinned=PINNED, draft=DRAFT)
    index = await page(await open_site(files), files, "docs/blog/index.md")
    assert index.body == (
        "# Blog\n\nNews from the team.\n"
        "\n## [Read `this` first](<posts/pinned.md>)\n\nPinned posts come first.\n"
        "\n## [Version 2 is out](<posts/release.md>)\n\n"
        "It is **faster**. See the [setup] and the [changelog](../changelog.md#v2).\n\n"
        "### What changed\n\nEverything.\n\n  [setup]: ../setup.md\n"
        "\n## [Our roadmap](<posts/roadmap.md>)\n\n"
        "A post without a heading, without a separator: the whole of it is its excerpt.\n\n"
        "```python\n# a comment, not a heading\n```\n"
    )


async def test_the_blog_index_shows_one_page_of_posts() -> None:
    """The first ``pagination_per_page`` posts (10 by default); the rest are on blog/page/2/."""
    posts = {
        f"p{day}": f"---\ndate: 2024-01-{day:02d}\n---\n\n# Post {day}\n\nText {day}.\n"
        for day in range(1, 5)
    }
    files = blog(**posts)
    files.files["mkdocs.yml"] = (
        (CONFIG + "      pagination_per_page: 2\n").replace("- blog", "- blog:").encode()
    )
    index = await page(await open_site(files), files, "docs/blog/index.md")
    assert "Text 4." in index.body and "Text 3." in index.body
    assert "Text 2." not in index.body


async def test_a_blog_index_with_no_posts_keeps_its_own_text() -> None:
    files = blog()
    index = await page(await open_site(files), files, "docs/blog/index.md")
    assert index.body == "# Blog\n\nNews from the team.\n"
