"""YAML read on libyaml's parser gives what the pure-Python loaders give: data, refusals, messages."""

from __future__ import annotations

import pytest
import yaml

from ingest import frontmatter
from ingest.sites import safeyaml, yamlparser

needs_libyaml = pytest.mark.skipif(not yamlparser.AVAILABLE, reason="PyYAML built without libyaml")

BOMB = "\n".join(
    ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, 7)]
)

#: What front matter holds, and what it must not: every kind of value, syntax errors libyaml words
#: otherwise, aliases, nesting, characters only one of the two parsers refuses.
TEXTS = [
    "title: Setup\ntags: [a, b]\ndate: 2024-05-01\nweight: 3.5\ndraft: no\nempty:\n",
    "nested:\n  deeper:\n    - {x: 1, y: [true, null, ~, 0x1f, 1_000]}\n    - |\n      block\n      text\n",
    "when: 2024-05-01 10:30:00+02:00\nbinary: !!binary aGVsbG8=\nset: !!set {a, b}\n",
    "quoted: \"a \\u00e9 \\t b\"\nsingle: 'it''s'\nplain: a: b\n",
    "title: ok\n  indented: x\n",
    "a: [1,\n",
    "a:\n\t- b\n",
    "key: value\nkey: again\n",
    "- a\n- b\n",
    "just text\n",
    "bad: \x00\n",
    "bell: \x07 here\n",
    "nel: a\x85b\n",
    "base: &base {x: 1}\nother: *base\n",
    "base: &base {x: 1}\nother:\n  <<: *base\n",
    "self: &a [*a]\n",
    BOMB,
    "x: " + "[" * 31 + "1" + "]" * 31,
    "x: " + "[" * 3000 + "]" * 3000,
    "x: " + "{a: " * 40 + "1" + "}" * 40,
    "",
    "# only a comment\n",
    "? complex\n: key\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: 1\n---\nb: 2\n",
    "bom: a\ufeffb\n",
    "! : x\nempty: !\n",
    "long: " + "word " * 5000 + "\n",
]


def outcome(read: object) -> tuple[str, object]:
    try:
        return "read", read() if callable(read) else read
    except (yaml.YAMLError, frontmatter.FrontMatterError) as exc:
        return type(exc).__name__, str(exc)


@needs_libyaml
@pytest.mark.parametrize("text", TEXTS)
def test_front_matter_reads_the_same_with_and_without_libyaml(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data and every error message are the same as the pure-Python loader's."""
    page = f"---\n{text}\n---\nbody"
    fast = outcome(lambda: frontmatter.split(page))
    monkeypatch.setattr(frontmatter, "_CFrontMatterLoader", None)
    assert fast == outcome(lambda: frontmatter.split(page))


@needs_libyaml
@pytest.mark.parametrize("text", TEXTS)
def test_site_yaml_reads_the_same_with_and_without_libyaml(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = outcome(lambda: safeyaml.load(text))
    monkeypatch.setattr(safeyaml, "_CBoundedLoader", None)
    assert fast == outcome(lambda: safeyaml.load(text))


@needs_libyaml
def test_valid_front_matter_is_read_by_the_c_parser_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-Python loader is not even built for front matter libyaml reads."""
    built: list[str] = []

    class Counting(frontmatter._FrontMatterLoader):
        def __init__(self, stream: str) -> None:
            built.append(stream)
            super().__init__(stream)

    monkeypatch.setattr(frontmatter, "_FrontMatterLoader", Counting)
    assert frontmatter.split("---\ntitle: Setup\ntags: [a, b]\n---\nbody") == (
        {"title": "Setup", "tags": ["a", "b"]},
        "body",
        "yaml",
    )
    assert built == []
    with pytest.raises(frontmatter.FrontMatterError, match="mapping values are not allowed here"):
        frontmatter.split("---\ntitle: ok\n  indented: x\n---\nbody")
    assert built == ["title: ok\n  indented: x\n"]  # an error is worded by PyYAML, as always


@needs_libyaml
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("self: &a [*a]", "aliases such as *a are not allowed"),
        (BOMB, "aliases such as *l0 are not allowed"),
        # libyaml refuses more than 1,000 levels itself: 200 reach the loader's own bound.
        ("x: " + "[" * 200 + "]" * 200, "nested more than 32 levels deep"),
    ],
)
def test_the_c_front_matter_loader_refuses_by_itself(text: str, problem: str) -> None:
    """The bounds hold on the C parser too, at the same place: nothing is expanded or composed
    past them before the pure-Python loader is asked for its words."""
    assert frontmatter._CFrontMatterLoader is not None
    reader = frontmatter._CFrontMatterLoader(text)
    with pytest.raises(yaml.MarkedYAMLError) as refused:
        reader.get_single_data()
    assert problem in str(refused.value.problem)
    with pytest.raises(yaml.MarkedYAMLError) as refused_in_python:
        frontmatter._FrontMatterLoader(text).get_single_data()
    assert refused.value.problem == refused_in_python.value.problem
    assert refused.value.problem_mark is not None and refused_in_python.value.problem_mark is not None
    assert refused.value.problem_mark.line == refused_in_python.value.problem_mark.line


@needs_libyaml
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("self: &a [*a]", "an alias is used inside the value it names"),
        (BOMB, "expand to more than 1,000,000 values"),
        ("x: " + "[" * 200 + "]" * 200, "nested more than 100 levels deep"),
    ],
)
def test_the_c_site_loader_refuses_by_itself(text: str, problem: str) -> None:
    assert safeyaml._CBoundedLoader is not None
    reader = safeyaml._CBoundedLoader(text)
    with pytest.raises(safeyaml.YAMLTooLarge, match=problem):
        reader.get_single_data()


@needs_libyaml
def test_libyaml_reads_a_tab_after_a_key_that_pyyaml_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where libyaml is laxer, the document reads as the YAML reference parser reads it."""
    assert frontmatter.split("---\ntitle:\tSetup\n---\nbody") == ({"title": "Setup"}, "body", "yaml")
    monkeypatch.setattr(frontmatter, "_CFrontMatterLoader", None)
    with pytest.raises(frontmatter.FrontMatterError, match="cannot start any token"):
        frontmatter.split("---\ntitle:\tSetup\n---\nbody")
