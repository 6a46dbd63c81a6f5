"""Front matter that YAML accepts but Intercom cannot take, end to end: that document fails, the rest sync."""

from __future__ import annotations

from tests.e2e.conftest import Harness, write_docs


async def test_a_lone_surrogate_in_a_title_fails_only_its_document(harness: Harness) -> None:
    """A title holding half a surrogate pair fails its document; a whole pair is the emoji it spells."""
    titles = write_docs(harness.docs, 3)
    (harness.docs / "bad.md").write_text('---\ntitle: "Bad \\ud83d title"\n---\nbody\n', encoding="utf-8")
    (harness.docs / "rocket.md").write_text(
        '---\ntitle: "Launch \\ud83d\\ude80"\nowner: "\\udc00 half"\n---\nLift-off.\n', encoding="utf-8"
    )
    result = await harness.sync()
    assert result.error is None
    assert (result.counts.created, result.counts.failed) == (4, 1)
    assert [(failure.locator, failure.message) for failure in result.failures] == [
        (
            "bad.md",
            "bad.md: front matter title holds \\ud83d, half of a UTF-16 surrogate pair without the other "
            "half, which is not a character",
        )
    ]
    remote = harness.remote()
    assert set(remote) == {*titles, "rocket.md"}
    assert remote["rocket.md"]["title"] == "Launch \U0001f680"
    assert "Lift-off." in remote["rocket.md"]["html"]


async def test_a_yaml_alias_bomb_fails_only_its_document(harness: Harness) -> None:
    """Nested aliases that would expand to millions of items fail their document at once."""
    titles = write_docs(harness.docs, 2)
    lines = ["l0: &l0 [x,x,x,x,x,x,x,x,x,x]"]
    lines += [f"l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 10) + "]" for level in range(1, 8)]
    (harness.docs / "bomb.md").write_text("---\n" + "\n".join(lines) + "\n---\n# Bomb\n", encoding="utf-8")
    result = await harness.sync()
    assert (result.counts.created, [failure.locator for failure in result.failures]) == (2, ["bomb.md"])
    assert "aliases such as *l0 are not allowed" in result.failures[0].message
    assert set(harness.remote()) == set(titles)
