"""What a Markdown connector does with its site: open it, list its pages, load one (ingest.sites.source)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pytest

from connectors.filesystem import FilesystemOptions
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.sites import SiteSettings
from ingest.sites.plain import PlainSite
from ingest.sites.source import fold, load_page, open_site, own_fingerprint, page_refs, refold
from tests.sites.fakesite import FakeDialect, FakeSite


class Files:
    """SiteFiles over a dict."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = {path: text.encode() for path, text in files.items()}
        self.reads: list[str] = []

    def paths(self) -> Collection[str]:
        return self.files.keys()

    async def read(self, path: str) -> bytes | None:
        self.reads.append(path)
        return self.files.get(path)


SITE = {
    "fakesite.toml": "name = 'docs'\n",
    "index.md": "# Home\n",
    "guide/setup.md": '# Setup\n\n{{< include "partials/note.md" >}}\n',
    "partials/note.md": "A note from a partial.\n",
    "images/logo.png": "png",
}


def fake(files: Mapping[str, str] = SITE, site_url: str | None = "https://docs.example.com/") -> FakeSite:
    return FakeSite(Files(files), SiteSettings(site_url=site_url))


async def load(
    site: FakeSite | PlainSite, text: str, path: str = "guide/setup.md", **kwargs: object
) -> object:
    return await load_page(site, text.encode(), path=path, fingerprint="7-8+abc", modified=None, **kwargs)  # type: ignore[arg-type]


async def test_open_site_takes_the_named_or_the_recognised_dialect(tmp_path: object, fake_site: None) -> None:
    """site = "auto" opens the first dialect recognising the files; "plain" opens plain."""
    auto = FilesystemOptions.model_validate({"path": str(tmp_path)})
    plain = FilesystemOptions.model_validate({"path": str(tmp_path), "site": "plain"})
    assert (await open_site(auto, Files(SITE))).dialect == "fake"
    assert (await open_site(plain, Files(SITE))).dialect == "plain"
    assert (await open_site(auto, Files({"index.md": "# Home\n"}))).dialect == "plain"


async def test_a_config_that_cannot_be_read_is_the_sources_error(tmp_path: object, fake_site: None) -> None:
    """The dialect's ConnectorError passes through; any other exception becomes one, naming the dialect."""
    auto = FilesystemOptions.model_validate({"path": str(tmp_path)})
    with pytest.raises(ConnectorError, match=r"fakesite\.toml: not valid TOML"):
        await open_site(auto, Files({**SITE, "fakesite.toml": "name = "}))
    with pytest.raises(ConnectorError, match="the site says it is broken"):
        await open_site(auto, Files({**SITE, "fakesite.toml": "broken = true"}))


def test_only_pages_are_listed_with_their_fingerprints_folded_with_the_structure() -> None:
    """Partials, config and assets are no documents; a partial's edit changes every page's fingerprint."""
    site = fake()
    fingerprints = {path: f"{len(path)}-1" for path in SITE}
    refs = page_refs(site, fingerprints)
    assert [ref.locator for ref in refs] == ["guide/setup.md", "index.md"]
    assert all(own_fingerprint(ref.fingerprint) == fingerprints[ref.locator] for ref in refs)
    edited = page_refs(site, {**fingerprints, "partials/note.md": "99-2"})
    assert all(a.fingerprint != b.fingerprint for a, b in zip(refs, edited, strict=True))
    asset = page_refs(site, {**fingerprints, "images/logo.png": "99-2"})
    assert asset == refs  # an asset shapes no page
    wanted = page_refs(site, fingerprints, lambda path: path.startswith("guide/"))
    assert [ref.locator for ref in wanted] == ["guide/setup.md"]


def test_folding_keeps_the_files_own_fingerprint_readable() -> None:
    """An empty digest leaves the fingerprint alone; refold puts a re-read fingerprint in the scan's shape."""
    assert fold("abc", "") == "abc"
    folded = fold("abc", "structure")
    assert folded.startswith("abc+") and own_fingerprint(folded) == "abc"
    assert refold("def", folded) == "def+" + folded.partition("+")[2]
    assert refold("def", "abc") == "def"
    assert DocumentRef("a.md", folded).fingerprint != DocumentRef("a.md", fold("abc", "other")).fingerprint


async def test_a_prepared_page_becomes_a_document() -> None:
    """Body, title and URL are the site's; metadata holds the front matter, the site's own,
    the locale, warnings and unknown constructs; the id is the path."""
    text = (
        "+++\nweight = 3\ndescription = 'Setting up'\n+++\n# Setup\n\n"
        '{{< include "partials/note.md" >}}\n{{< include "partials/gone.md" >}}\n'
        "{{< eturl >}}the docs{{< /eturl >}} and {{< eturl >}}more{{< /eturl >}}\n"
    )
    document = await load(fake(), text)
    assert isinstance(document, SourceDocument)
    assert document.external_id == "guide/setup.md" and document.fingerprint == "7-8+abc"
    assert document.title == "Setup" and document.url == "https://docs.example.com/guide/setup/"
    assert "A note from a partial." in document.body and "the docs and more" in document.body
    assert dict(document.metadata) == {
        "weight": 3,
        "description": "Setting up",
        "warnings": ["include partials/gone.md not found"],
        "unknown": {"shortcode:eturl": 2},
    }


async def test_the_locale_is_the_sites_else_the_front_matters_else_the_sources() -> None:
    """PreparedPage.locale wins; a page naming none takes the source's locale option."""
    site = fake()
    from_site = await load(site, "---\nlang: fr\nlocale: de\n---\n# Hi\n", locale="es")
    from_front = await load(site, "---\nlocale: de\n---\n# Hi\n", locale="es")
    from_source = await load(site, "# Hi\n", locale="es")
    by_path = await load(site, "# Hi\n", path="zh/index.md", locale="es")
    assert [doc.metadata["locale"] for doc in (from_site, from_front, from_source, by_path)] == [  # type: ignore[union-attr]
        "fr",
        "de",
        "es",
        "zh-CN",
    ]


async def test_front_matter_cannot_pose_as_warnings() -> None:
    """Metadata ``warnings`` and ``unknown`` are the site's, for the run report, never front matter's."""
    document = await load(PlainSite(SiteSettings()), "---\nwarnings: [fake]\nunknown: {x: 1}\n---\n# Hi\n")
    assert isinstance(document, SourceDocument) and dict(document.metadata) == {}


async def test_front_matter_still_pins_identity_and_skips() -> None:
    """external_id pins the id; skip: true skips, whatever the dialect."""
    pinned = await load(fake(), "---\nexternal_id: 42\n---\n# Hi\n")
    assert isinstance(pinned, SourceDocument) and pinned.external_id == "42"
    skipped = await load(fake(), "---\nskip: true\n---\n# Hi\n")
    assert skipped == SkippedDocument("guide/setup.md", "front matter says skip")


async def test_not_a_page_is_skipped_and_a_problem_is_a_failure() -> None:
    """NotAPage -> SkippedDocument with its reason; PageProblem -> Failure naming the path."""
    assert await load(fake(), "---\ndraft: true\n---\n") == SkippedDocument(
        "guide/setup.md", "a draft, not published"
    )
    assert await load(fake(), "---\nbroken: true\n---\n") == Failure(
        "guide/setup.md", "guide/setup.md: the page says it is broken"
    )


async def test_a_dialect_that_raises_fails_only_that_page() -> None:
    """An exception from prepare is the page's Failure, naming the dialect."""

    class Raising(FakeSite):
        async def prepare(self, path: str, front: Mapping[str, object], body: str) -> object:  # type: ignore[override]
            raise KeyError("oops")

    failed = await load(Raising(Files(SITE), SiteSettings()), "# Hi\n")
    assert isinstance(failed, Failure)
    assert failed.message == "guide/setup.md: the fake site could not prepare it: KeyError: 'oops'"


async def test_bad_front_matter_is_a_failure_before_the_site_sees_the_page() -> None:
    """A dialect gets TOML and JSON front matter too, under the same limits; broken, it fails the page."""
    site = fake()
    failed = await load(site, "+++\ntitle = \n+++\n")
    assert isinstance(failed, Failure) and "front matter is not valid TOML" in failed.message
    assert site.prepared == []
    json_front = await load(site, '{"title": "From JSON"}\n\nText\n')
    assert isinstance(json_front, SourceDocument) and json_front.title == "From JSON"


async def test_plain_reads_yaml_front_matter_only() -> None:
    """A plain source keeps '+++' as text, as it always has."""
    document = await load(PlainSite(SiteSettings()), "+++\ntitle = 'x'\n+++\n# Real\n", path="a.md")
    assert isinstance(document, SourceDocument)
    assert document.title == "Real" and document.body.startswith("+++")


def test_the_fake_dialect_is_a_dialect() -> None:
    """The test dialect keeps the contract's shape."""
    assert FakeDialect.name == "fake" and FakeDialect.recognises(["fakesite.toml"])
