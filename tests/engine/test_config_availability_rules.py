"""``[[sources.<name>.availability]]``: rules read in order, each mistake one sentence naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.availability import Availability
from ingest.config import load_settings
from tests.engine.test_config_availability import config, refusal


def rules_config(tmp_path: Path, *rules: str, version: str = "2.16") -> Path:
    tables = "".join(f"[[sources.docs.availability]]\n{rule}\n" for rule in rules)
    return config(tmp_path, version=version, tables=tables)


def test_rules_are_read_in_order_with_their_globs_values_and_flags(tmp_path: Path) -> None:
    """Paths, front matter (a value or a list of them) and the flags each rule sets, in file order."""
    path = rules_config(
        tmp_path,
        'paths = ["internal/**", "*.draft.md"]\nai_agent = false',
        'front_matter = { audience = ["sales", "partners"], tier = 2 }\nai_sales_agent = true',
    )
    rules = load_settings(path).sources["docs"].settings.availability_rules()
    first, second = rules.rules
    assert (first.paths, first.front_matter, first.sets) == (
        ("internal/**", "*.draft.md"),
        (),
        Availability(ai_agent=False),
    )
    assert second.front_matter == (("audience", ("sales", "partners")), ("tier", 2))
    assert rules.front_matter_keys == ("audience", "tier")
    assert rules.digest is not None


def test_no_rules_have_no_digest_so_state_records_nothing_for_them(tmp_path: Path) -> None:
    rules = load_settings(config(tmp_path)).sources["docs"].settings.availability_rules()
    assert not rules and rules.digest is None


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            'paths = ["/internal/**"]\nai_agent = false',
            'sources.docs.availability.0.paths: "/internal/**" never matches: document paths are '
            'relative to the source, with no leading "/" (write "internal/**")',
        ),
        (
            'paths = ["!internal/**"]\nai_agent = false',
            'sources.docs.availability.0.paths: "!internal/**" cannot be negated here; write a later '
            "rule for the exception",
        ),
        (
            'paths = ["internal/**"]',
            "sources.docs.availability.0: a rule needs at least one of ai_agent, ai_copilot and "
            "ai_sales_agent",
        ),
        (
            "ai_agent = false",
            "sources.docs.availability.0: a rule needs paths, front_matter or both, to say which "
            "documents it matches",
        ),
        ('paths = ["a/**"]\nai_agent = false\nfin = true', "sources.docs.availability.0.fin: unknown key"),
        (
            "front_matter = { team = { name = 1 } }\nai_agent = false",
            "sources.docs.availability.0.front_matter.team: must be a value (text, a number, true or "
            "false) or a list of them, not {'name': 1}",
        ),
    ],
)
def test_a_mistaken_rule_is_one_sentence_naming_its_key(tmp_path: Path, rule: str, message: str) -> None:
    assert refusal(rules_config(tmp_path, rule)) == message


def test_a_rule_asking_fin_for_sales_of_2_15_names_the_rule_and_the_versions_that_can(tmp_path: Path) -> None:
    path = rules_config(
        tmp_path,
        'paths = ["a/**"]\nai_agent = true',
        'paths = ["b/**"]\nai_sales_agent = true',
        version="2.15",
    )
    assert refusal(path) == (
        "sources.docs.availability.1.ai_sales_agent: Intercom API 2.15 cannot make content available "
        "to Fin for sales; set intercom.api_version to 2.16 or Preview"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            'audiences = ["VIP"]\naudience_ids = [1]\n',
            "sources.docs.audience_ids: set, as is audiences; name the audiences one way",
        ),
        ("create_audiences = true\n", "sources.docs.create_audiences: set, but audiences names none"),
        ('audiences = [" "]\n', "sources.docs.audiences: an audience name cannot be empty"),
        (
            'targets = ["internal_articles"]\naudience_ids = [1]\n',
            "sources.docs.audience_ids: audiences are those of the Content Import Source of External "
            'Pages, and targets does not include "external_pages"',
        ),
    ],
)
def test_audience_keys_are_checked_in_one_sentence_naming_the_key(
    tmp_path: Path, source: str, message: str
) -> None:
    tables = "[sources.docs.internal_articles]\nauthor_id = 1\nowner_id = 1\n" if "internal" in source else ""
    assert refusal(config(tmp_path, version="Preview", source=source, tables=tables)) == message


def test_audiences_are_read_as_named_once_each(tmp_path: Path) -> None:
    path = config(tmp_path, version="Preview", source='audiences = ["VIP", "Partners", "VIP"]\n')
    settings = load_settings(path).sources["docs"].settings
    assert (settings.audiences, settings.audience_ids, settings.create_audiences) == (
        ("VIP", "Partners"),
        None,
        False,
    )
