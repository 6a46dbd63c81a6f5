"""The same input gives byte-identical HTML: every time, in every process, on every machine."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from ingest.convert import CONVERTER_VERSION, LinkBuilder, to_html
from ingest.document import BodyFormat

SAMPLE = """# Billing

Plans are billed **monthly** or *yearly*[^1]. See [invoices](invoices.md#vat),
[the FAQ](/troubleshooting/faq.md) and [status](https://status.example.com).

![Plan picker](../images/plans.png "Plans")

| Plan | Price | Seats |
|:-----|------:|:-----:|
| Starter | $0 | 3 |
| Team | $49 | 25 |

```bash
curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/invoices
```

- [x] Add a card
- [ ] Choose a plan

!!! warning "Proration"
    Upgrades are prorated to the day.

Term
: Definition with <kbd>Ctrl</kbd> and ~~old~~ text.

<div class="note" onclick="x()">Raw <span style="color:red">HTML</span> block</div>

[^1]: Yearly plans get two months free.
"""

#: Changing this pin means the output changed: bump CONVERTER_VERSION in the same commit.
PINNED_SHA256 = "ba3e662febc89a0b8de2b5476a84ceeb3356d3d7ef6092e3259b48b79fd9f651"
PINNED_FOR_VERSION = "3"


def _convert(body: str = SAMPLE) -> str:
    links = LinkBuilder("https://docs.example.com/{path}")
    return to_html(body, BodyFormat.MARKDOWN, path="guides/billing/index.md", title="Billing", links=links)


def test_converting_twice_gives_identical_bytes() -> None:
    """Two conversions of the same document are byte-identical."""
    assert _convert().encode() == _convert().encode()


def test_line_endings_do_not_change_the_output() -> None:
    """CRLF and CR line endings convert exactly like LF."""
    assert _convert(SAMPLE.replace("\n", "\r\n")) == _convert()
    assert _convert(SAMPLE.replace("\n", "\r")) == _convert()


def test_output_is_pinned() -> None:
    """A fixed document's HTML has a pinned sha256; a change must come with a CONVERTER_VERSION bump."""
    assert CONVERTER_VERSION == PINNED_FOR_VERSION
    assert hashlib.sha256(_convert().encode()).hexdigest() == PINNED_SHA256


@pytest.mark.parametrize("seed", ["0", "12345"])
def test_output_does_not_depend_on_hash_seed(seed: str) -> None:
    """Another process with another hash seed (so other set and dict orders) gives the same bytes."""
    code = (
        "import hashlib, sys; sys.path[:0] = [sys.argv[1]]\n"
        "from test_convert_determinism import _convert\n"
        "print(hashlib.sha256(_convert().encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run(  # noqa: S603 - runs this interpreter on a fixed snippet
        [sys.executable, "-c", code, os.path.dirname(__file__)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert result.stdout.strip() == hashlib.sha256(_convert().encode()).hexdigest()
