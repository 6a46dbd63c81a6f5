"""benchmarks/obsidian_recall.py reads the words a reader of an Obsidian note sees, from its source."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from benchmarks.obsidian_recall import Reader, Vault, source_recall, visible_text, words
from ingest.document import Page

NOTES = {
    "Home.md": (
        "---\npermalink: home\naliases: [Start]\n---\n"
        "Welcome %%not this%% reader.\n\n%%\nHidden\n%%\n\n"
        "![[Sync#Set up]]\n\n![[Sync#^regions]]\n\n"
        "![[diagram.png]] **[[Sync|관리]]**![[gear.svg#icon]]를 열어요.\n\n"
        "> [!tip] Search first\n> Body.\n\n> [!warning]\n> Careful.\n\n"
        "See [[Sync|the sync note]], [[Sync#Set up]] and [docs](https://acme.example/docs).\n\n"
        "1. One\n2. [ ] Two\n\nCode `%% kept` and:\n\n```dataview\nLIST hidden\n```\n\n"
        "```bash\nacme sync --now\n```\n\n<pre><code>```query\nfind me\n```</code></pre>\n\n"
        "Note[^1] ^home-id\n\n[^1]: Footnote text.\n"
    ),
    "Guides/Sync.md": (
        "Intro.\n\n## Set up\n\nInstall it.\n\n### Linux\n\nRun it.\n\n## Regions\n\n- EU\n- US ^regions\n"
    ),
}


def vault(tmp_path: Path) -> Path:
    for path, text in NOTES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_note_is_read_as_its_reader_sees_it(tmp_path: Path) -> None:
    """Comments, dynamic blocks, link targets, list numbers, task boxes, block ids, footnote labels
    and attachments are no words; embeds are the embedded section or block; callouts show their title,
    else their type; code is words as written."""
    text = Reader(Vault(vault(tmp_path))).note("Home.md")
    assert words(text) == words(
        "Welcome reader. Set up Install it. Linux Run it. US 관리를 열어요. Search first Body. warning "
        "Careful. See the sync note, Sync Set up and docs. One Two Code %% kept and: acme sync --now "
        "```query find me ``` Note Footnote text."
    )


def test_text_runs_on_across_inline_markup_on_both_sides() -> None:
    """A Korean particle after a link or bold text is part of the word, in the source reading and
    in our HTML alike; blocks and footnote numbers stand apart. In a script written without spaces
    each character is a word, and a Latin word beside it stays one."""
    assert words("**설정**을 열어요") == Counter({"설정을": 1, "열어요": 1})
    assert visible_text("<p><strong>설정</strong>을 <a href='x'>열어요</a></p><p>ID<sup>1</sup>예요</p>") == (
        "\n설정을 열어요\n\nID\n1\n예요\n"
    )
    assert words("中文 ภาษา Switcherภา") == Counter({"中": 1, "文": 1, "ภ": 2, "า": 3, "ษ": 1, "switcher": 1})


def test_recall_counts_the_source_words_our_page_holds(tmp_path: Path) -> None:
    """A page holding every word scores 1; one missing the embedded section scores less and names
    the missing words; our words the source does not hold are counted apart."""
    folder = vault(tmp_path)
    source = Reader(Vault(folder)).note("Home.md")
    full = Page(
        locator="Home.md",
        external_id="Home.md",
        title="Home",
        html=f"<p>{source}</p>",
        url=None,
        fingerprint="",
    )
    short = Page(
        locator="Home.md",
        external_id="Home.md",
        title="Home",
        html="<p>" + source.replace("Install it.", "") + "</p>",
        url=None,
        fingerprint="",
    )
    assert source_recall(folder, [full]).scores == [(1.0, "Home.md")]
    recall = source_recall(folder, [short])
    assert recall.missing["Home.md"] == Counter({"install": 1, "it": 1})
    assert recall.extra == Counter({"home": 1})
