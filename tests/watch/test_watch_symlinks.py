"""The daemon on a filesystem source with symbolic links inside it: a document the connector lists
under several locators (a linked folder, a linked file) is synced under each of them, whatever changes:
the real file, or a link itself. A real watchdog observer, the emulator over loopback."""

from __future__ import annotations

import os

from tests.watch.conftest import SOURCE_URL, Project, page_posts, wait_until, write_config


def bodies(project: Project) -> dict[str, str]:
    return {external_id: page["html"] for external_id, page in project.remote().items()}


async def test_an_edit_reaches_every_locator_of_a_linked_folder(project: Project) -> None:
    """shared/x.md is also listed as alias/x.md (alias -> shared): an edit of the real file updates both."""
    project.write("shared/x.md", "# X\n\nFirst.\n")
    (project.docs / "alias").symlink_to("shared", target_is_directory=True)
    async with project.daemon():
        assert set(project.remote()) == {"shared/x.md", "alias/x.md"}
        project.write("shared/x.md", "# X\n\nSecond.\n")
        await wait_until(
            lambda: all("Second." in body for body in bodies(project).values()), what="both pages edited"
        )
    assert page_posts(project.emulator) == {"shared/x.md": 2, "alias/x.md": 2}


async def test_an_edit_reaches_a_linked_file_and_a_file_in_a_hidden_folder(project: Project) -> None:
    """guide.md -> .drafts/guide.md names a file the connector lists only through the link: its edit
    updates guide.md."""
    project.write(".drafts/guide.md", "# Guide\n\nFirst.\n")
    (project.docs / "guide.md").symlink_to(".drafts/guide.md")
    async with project.daemon():
        assert set(project.remote()) == {"guide.md"}
        project.write(".drafts/guide.md", "# Guide\n\nSecond.\n")
        await wait_until(lambda: "Second." in bodies(project)["guide.md"], what="the linked page edited")
    assert page_posts(project.emulator) == {"guide.md": 2}


async def test_a_link_made_or_removed_syncs_the_documents_it_names(project: Project) -> None:
    """A folder link made inside the source adds its documents under the new locators; removing it
    deletes them; the real documents stay."""
    project.write("shared/x.md", "# X\n\nText.\n")
    async with project.daemon():
        assert set(project.remote()) == {"shared/x.md"}
        (project.docs / "alias").symlink_to("shared", target_is_directory=True)
        await wait_until(lambda: "alias/x.md" in project.remote(), what="the page of the new link")
        os.unlink(project.docs / "alias")
        await wait_until(lambda: set(project.remote()) == {"shared/x.md"}, what="the link's page deleted")
    assert page_posts(project.emulator) == {"shared/x.md": 1, "alias/x.md": 1}


async def test_a_document_or_folder_replaced_by_a_link_is_deleted_when_links_are_not_followed(
    project: Project,
) -> None:
    """With follow_symlinks = false the scan ignores every link: a document replaced by a link, and a
    folder moved away with a link made in its place, are gone and their pages deleted."""
    project.config = write_config(
        project.tmp_path,
        project.emulator.base_url,
        source={"connector": "filesystem", "path": "docs", "url": SOURCE_URL, "follow_symlinks": False},
    )
    project.write("shared/x.md", "# X\n")
    project.write("a.md", "# A\n")
    project.write("guide/g.md", "# G\n")
    kept = {"shared/x.md", *(project.write(f"k{n}.md", f"# K{n}\n").name for n in range(3))}
    async with project.daemon():
        assert set(project.remote()) == {*kept, "a.md", "guide/g.md"}
        (project.docs / "next").symlink_to("shared/x.md")
        os.replace(project.docs / "next", project.docs / "a.md")  # ln -sf, atomically
        os.rename(project.docs / "guide", project.tmp_path / "guide.old")
        (project.docs / "guide").symlink_to("shared", target_is_directory=True)
        await wait_until(lambda: set(project.remote()) == kept, what="the replaced pages deleted")


async def test_a_link_made_before_its_document_follows_the_document(project: Project) -> None:
    """guide.md -> drafts/guide.md made before drafts/guide.md is written: once it is, the page guide.md
    is created, and each edit of drafts/guide.md updates it."""
    project.write("drafts/other.md", "# Other\n")
    (project.docs / "guide.md").symlink_to("drafts/guide.md")
    async with project.daemon():
        assert set(project.remote()) == {"drafts/other.md"}
        project.write("drafts/guide.md", "# Guide\n\nFirst.\n")
        await wait_until(lambda: "First." in bodies(project).get("guide.md", ""), what="the linked page")
        project.write("drafts/guide.md", "# Guide\n\nSecond.\n")
        await wait_until(lambda: "Second." in bodies(project)["guide.md"], what="the linked page edited")
