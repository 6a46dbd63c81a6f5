"""The watch daemon over an MkDocs site whose pages show other files: an edit to a blog post sends
the blog index showing its excerpt again, an edit to a data file the pages render sends the pages
rendering it, and nothing else is sent."""

from __future__ import annotations

from tests.watch.conftest import SOURCE_URL, Project, page_posts, wait_until, write_config

BLOG = {
    "mkdocs.yml": "site_name: Docs\nsite_url: https://docs.example.com/\nplugins:\n  - blog\n",
    "docs/guide.md": "# Guide\n\nSteps.\n",
    "docs/blog/index.md": "# Blog\n",
    "docs/blog/posts/hello.md": (
        "---\ndate: 2024-05-01\n---\n# Hello\n\nWe launched.\n\n<!-- more -->\n\nThe whole story.\n"
    ),
}
MACROS = {
    "mkdocs.yml": (
        "site_name: Docs\nsite_url: https://docs.example.com/\nplugins:\n"
        "  - macros:\n      include_yaml:\n        - data/release.yml\n"
    ),
    "data/release.yml": "version: 1.2.0\n",
    "docs/about.md": "# About\n\nWho we are.\n",
    "docs/install.md": "# Install\n\nGet version {{ version }}.\n",
}


def site_project(project: Project, files: dict[str, str]) -> Project:
    for path, text in files.items():
        project.write(path, text)
    source = {
        "connector": "filesystem",
        "path": "docs",
        "url": SOURCE_URL,
        "site_url": "https://docs.example.com/",
    }
    project.config = write_config(project.tmp_path, project.emulator.base_url, source=source)
    return project


async def test_a_post_edit_updates_the_blog_index_showing_its_excerpt(project: Project) -> None:
    """The blog index shows the post's new excerpt; the guide is not sent again."""
    site_project(project, BLOG)
    async with project.daemon():
        assert "We launched." in project.remote()["docs/blog/index.md"]["html"]
        project.write(
            "docs/blog/posts/hello.md",
            BLOG["docs/blog/posts/hello.md"].replace("We launched.", "We launched today."),
        )
        await wait_until(
            lambda: "We launched today." in project.remote()["docs/blog/index.md"]["html"],
            what="the blog index with the new excerpt",
        )
        await wait_until(lambda: len(project.batches()) >= 2, what="the batch report")
    assert page_posts(project.emulator) == {
        "docs/guide.md": 1,
        "docs/blog/index.md": 2,
        "docs/blog/posts/hello.md": 2,
    }


async def test_a_data_file_edit_updates_the_pages_rendering_it(project: Project) -> None:
    """The install page shows the data file's new version; the about page is not sent again."""
    site_project(project, MACROS)
    async with project.daemon():
        assert "Get version 1.2.0." in project.remote()["docs/install.md"]["html"]
        project.write("data/release.yml", "version: 1.3.0\n")
        await wait_until(
            lambda: "Get version 1.3.0." in project.remote()["docs/install.md"]["html"],
            what="the install page with the new version",
        )
        await wait_until(lambda: len(project.batches()) >= 2, what="the batch report")
    assert page_posts(project.emulator) == {"docs/about.md": 1, "docs/install.md": 2}
