"""A small docs site for the end-to-end tests, read by the test dialect ``fake``."""

from __future__ import annotations

from pathlib import Path

SITE_URL = "https://docs.example.com/"
CHINESE = "这是一个关于如何配置账户的说明文档。请先登录管理后台然后在设置页面中选择团队成员。" * 3


def write_site_files(docs: Path) -> None:
    """A fake docs site: two pages, a draft, a partial, a Chinese page; a missing include and link."""
    files = {
        "fakesite.toml": "name = 'docs'\n",
        "index.md": (
            "# Home\n\nStart with [the setup](guide/setup.md#install-it), not [the old page](old.md).\n\n"
            "{{< eturl >}}Our terms{{< /eturl >}} apply.\n"
        ),
        "guide/setup.md": (
            '# Setup\n\n## Install it\n\n{{< include "partials/note.md" >}}\n\n## Install it\n\n'
            '{{< include "partials/missing.md" >}}\n'
        ),
        "guide/draft.md": "---\ndraft: true\n---\n# Draft\n",
        "partials/note.md": "A note from a partial.\n",
        "zh-guide.md": f"# 指南\n\n{CHINESE}\n",
    }
    for path, text in files.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")
