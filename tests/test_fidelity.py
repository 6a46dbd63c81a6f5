"""benchmarks/fidelity.py measures what a run would send from a docs folder, against the built site."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.fidelity import main

pytestmark = pytest.mark.usefixtures("fake_site")

SITE = {
    "fakesite.toml": "name = 'docs'\n",
    "index.md": (
        "# Home\n\nSee [setup](guide/setup.md) and [gone](gone.md).\n\n{{< eturl >}}terms{{< /eturl >}}\n"
    ),
    "guide/setup.md": "# Setup\n\nInstall the tool, then run it.\n\n{{% leaked %}} text\n",
    "guide/draft.md": "---\ndraft: true\n---\n# Draft\n",
    "empty.md": "# Setup\n",
}
RENDERED = {
    "index.html": (
        "<html><nav>Menu</nav><main><article><h1>Home</h1><p>See setup and gone. terms</p></article></main>"
    ),
    "guide/setup/index.html": (
        '<html><article class="md-content__inner"><h1>Setup</h1><p>Install the tool, then run it twice.</p>'
        '<a class="headerlink">¶</a></article></html>'
    ),
}


def write(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def test_the_fidelity_report_of_a_docs_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Pages, not-pages by reason, leaks by pattern, unknown constructs, links, URLs, empty pages,
    duplicate titles and text recall against the rendered site."""
    docs = write(tmp_path / "docs", SITE)
    rendered = write(tmp_path / "public", RENDERED)
    assert main([str(docs), "--site-url", "https://docs.example.com/", "--rendered", str(rendered)]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == f"source {docs} (site: fake)"
    assert "pages: 3" in lines and "not pages: 1" in lines and "1  a draft, not published" in lines
    assert "pages with leaked site syntax: 1" in lines and "1  hugo {{%" in lines
    assert "unknown constructs: 1" in lines and "1  shortcode:eturl" in lines
    assert "internal links: 1 resolved, 1 unresolved, 0 not pages (files the site serves itself)" in lines
    assert "warnings: 1" in lines
    assert "page URLs: 0 None, 0 not under https://docs.example.com/" in lines
    assert "empty pages: 1 (empty.md)" in lines
    assert "duplicate titles: 1 ('Setup' x2)" in lines
    recall = next(line for line in lines if line.startswith("text recall"))
    assert (
        recall.startswith("text recall over 2 rendered pages")
        and "(1 pages without a rendered file)" in recall
    )
    assert "0.875  guide/setup.md" in lines  # "twice" is missing: 7 of its 8 words


def test_plain_folders_are_measured_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without a site: plain, no URLs, every relative page link unresolved, site syntax counted as leaked."""
    docs = write(tmp_path / "docs", {path: text for path, text in SITE.items() if path != "fakesite.toml"})
    assert main([str(docs), "--site", "plain"]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == f"source {docs} (site: plain)"
    assert "pages: 4" in lines
    assert "internal links: 0 resolved, 2 unresolved, 0 not pages (files the site serves itself)" in lines
    assert "page URLs: 4 None, 0 not under (no --site-url)" in lines
    assert "pages with leaked site syntax: 2" in lines


def test_syntax_the_author_escaped_is_not_counted_as_leaked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``\\[\\[Wikilinks\\]\\]`` shows readers ``[[Wikilinks]]`` on the site too: no leak; an unescaped
    ``[[Note]]`` read as plain Markdown is one."""
    docs = write(
        tmp_path / "docs",
        {
            "escaped.md": "# Settings\n\nTurn off **Use \\[\\[Wikilinks\\]\\]** in the settings.\n",
            "raw.md": "# Notes\n\nSee [[Other note]] for more.\n",
        },
    )
    assert main([str(docs), "--site", "plain"]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "pages with leaked site syntax: 1" in lines
    assert "1  obsidian [[" in lines


def recall_of(lines: list[str], locator: str) -> str:
    return next(line for line in lines if line.endswith(f"  {locator}")).split()[0]


def test_page_chrome_is_not_content_to_recall(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Breadcrumbs, the table of contents, "Last updated" and "Improve this page" (a block hidden
    in print), a skip link: what readers see around every page is not the page's text."""
    docs = write(tmp_path / "docs", {"fakesite.toml": "", "guide/setup.md": "# Setup\n\nInstall the tool.\n"})
    chrome = (
        '<html><body><a class="sr-only" href="#main">Skip to content</a><main><article>'
        '<header><nav aria-label="breadcrumb">Docs Guide</nav><h1>Setup</h1></header>'
        '<nav id="TableOfContents">Contents</nav><p>Install the tool.</p>'
        '<div class="print:hidden">Last updated: January 1, 0001 <a>Improve this page</a></div>'
        '<div class="d-print-none">Edit on GitHub</div>'
        "</article></main></body></html>"
    )
    rendered = write(tmp_path / "public", {"guide/setup/index.html": chrome})
    main([str(docs), "--site-url", "https://docs.example.com/", "--rendered", str(rendered)])
    assert recall_of(capsys.readouterr().out.splitlines(), "guide/setup.md") == "1.000"


def test_recall_reads_every_article_of_the_main_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page of several articles (cards, posts) is measured on all of them, not on the first: our
    page must hold every rendered word to score 1."""
    docs = write(tmp_path / "docs", {"fakesite.toml": "", "news.md": "# News\n\nAlpha beta.\n"})
    cards = (
        "<html><main><article><h2>News</h2><p>Alpha beta.</p></article>"
        "<article><p>Gamma delta epsilon.</p></article></main></html>"
    )
    rendered = write(tmp_path / "public", {"news/index.html": cards})
    main([str(docs), "--site-url", "https://docs.example.com/", "--rendered", str(rendered)])
    assert recall_of(capsys.readouterr().out.splitlines(), "news.md") == "0.500"


DESCRIBED = {
    "fakesite.toml": "",
    "guide/setup.md": "---\ndescription: Get it running.\n---\n# Setup\n\nInstall the tool.\n",
}
DESCRIBED_RENDERED = {
    "guide/setup/index.html": (
        "<html><main><article><h1>Setup</h1><p>Get it running.</p><p>Install the tool.</p></article>"
        "</main></html>"
    )
}


def test_the_measured_run_is_the_configured_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--config and --source read the source's options (its site, URL, shown front matter, paths)
    as a run would; the docs folder is the source's own when not given."""
    docs = write(tmp_path / "docs", {**DESCRIBED, "drafts/idea.md": "# Idea\n"})
    rendered = write(tmp_path / "public", DESCRIBED_RENDERED)
    config = tmp_path / "ingest.toml"
    config.write_text(
        '[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "https://docs.example.com"\n'
        'site_url = "https://docs.example.com/"\nshown_front_matter = ["description"]\n'
        'exclude = ["drafts/**"]\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "--source", "docs", "--rendered", str(rendered)]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == f"source {docs} (site: fake)" and "pages: 1" in lines
    assert recall_of(lines, "guide/setup.md") == "1.000"


def test_options_are_given_as_a_user_writes_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--option key=value (a TOML value, else text) sets a source option, over --config's."""
    docs = write(tmp_path / "docs", DESCRIBED)
    rendered = write(tmp_path / "public", DESCRIBED_RENDERED)
    base = [str(docs), "--site-url", "https://docs.example.com/", "--rendered", str(rendered)]
    main(base)
    assert recall_of(capsys.readouterr().out.splitlines(), "guide/setup.md") == "0.571"
    main([*base, "--option", 'shown_front_matter = ["description"]', "--option", "empty_sections=skip"])
    assert recall_of(capsys.readouterr().out.splitlines(), "guide/setup.md") == "1.000"


def test_a_bad_option_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = write(tmp_path / "docs", DESCRIBED)
    with pytest.raises(SystemExit) as exited:
        main([str(docs), "--option", "shown_front_matter=[{field = ''}]"])
    assert exited.value.code == 2
    assert "shown_front_matter.0.field: must name a front matter key" in capsys.readouterr().err


def test_links_are_resolved_unresolved_by_name_or_not_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page link resolves to its URL; a link to a file that is not a page (a PDF, an image) is the
    site's own business, not unresolved; a link to a missing page, or a page link the site has no
    opinion on, is unresolved and named, most frequent first."""
    docs = write(
        tmp_path / "docs",
        {
            "fakesite.toml": "",
            "index.md": (
                "# Home\n\n[Setup](guide/setup.md), [spec](files/spec.pdf), ![logo](img/logo.png),\n"
                "[gone](gone.md), [gone again](gone.md) and [pretty](guide/setup/).\n"
            ),
            "guide/setup.md": "# Setup\n\nInstall it.\n",
        },
    )
    assert main([str(docs), "--site-url", "https://docs.example.com/"]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "internal links: 1 resolved, 3 unresolved, 2 not pages (files the site serves itself)" in lines
    top = lines.index("unresolved, by target:")
    assert lines[top + 1 : top + 3] == [
        "2  link to gone.md, which is not a page",
        "1  guide/setup/ (a page link the site gave no URL)",
    ]


def test_pages_are_counted_by_the_locale_they_would_be_sent_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--locale is the source's locale: a language vault's pages are sent (or skipped) as that
    language, and the report counts pages by locale."""
    vault = write(
        tmp_path / "fr",
        {"publish.css": "", "Accueil.md": "Bienvenue.\n", "Guide/Démarrer.md": "Installez l'application.\n"},
    )
    assert main([str(vault), "--site-url", "https://acme.example/fr/help/", "--locale", "fr"]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "page locales: fr 2" in lines
    assert "page URLs: 0 None, 0 not under https://acme.example/fr/help/" in lines


def test_syntax_escaped_or_never_closed_in_the_source_is_shown_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unclosed ``[[`` is no link on any site, and a callout marker with an escaped character
    (``[\\!warning]``) no callout: readers see them as written, so they are counted apart, not as
    leaked; a closed ``[[Note]]`` read as plain Markdown still leaks."""
    docs = write(
        tmp_path / "docs",
        {
            "broken.md": "# Update\n\nUpdate to the [[Update Obsidian|latest installer\n",
            "escaped.md": "# Sync\n\n> [\\!warning] Not with Lockdown mode on.\n",
            "raw.md": "# Notes\n\nSee [[Other note]] for more.\n",
        },
    )
    assert main([str(docs), "--site", "plain"]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "pages with leaked site syntax: 1" in lines and "1  obsidian [[" in lines
    assert "pages with site syntax shown as written (escaped or never closed in the source): 2" in lines


def test_obsidian_text_recall_is_measured_against_the_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--source-recall: the share of the words readers see in each note's source (embeds included)
    that our page holds; read as plain Markdown, the embedded section is missing, and named."""
    vault = write(
        tmp_path / "vault",
        {
            "publish.css": "",
            "Home.md": "> [!tip] Start here\n> Welcome.\n\n![[Setup#Install]]\n",
            "Setup.md": "## Install\n\nRun the installer.\n\n## Later\n\nNot embedded.\n",
        },
    )
    assert main([str(vault), "--site", "obsidian", "--source-recall"]) == 0
    recall = next(line.strip() for line in capsys.readouterr().out.splitlines() if "text recall" in line)
    assert recall.startswith(
        "text recall against the source (benchmarks/obsidian_recall.py) over 2 pages: 1.0000"
    )
    assert main([str(vault), "--site", "plain", "--source-recall"]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert any(line == "0.571  Home.md  missing: run x1, the x1, installer x1" for line in lines)


def test_syntax_shown_as_written_in_an_embedded_note_is_no_leak_either(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page embedding a note whose source holds an unclosed ``[[`` shows it as written too: the
    sources of the other documents are asked when the page's own does not hold it."""
    vault = write(
        tmp_path / "vault",
        {
            "publish.css": "",
            "Home.md": "Start.\n\n![[Settings#Sync]]\n",
            "Settings.md": "## Sync\n\nUnder **[[Sync settings and selective org org org\n",
        },
    )
    assert main([str(vault), "--site", "obsidian"]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "pages with leaked site syntax: 0" in lines
    assert "pages with site syntax shown as written (escaped or never closed in the source): 2" in lines
