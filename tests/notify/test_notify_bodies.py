"""The Slack and JSON bodies: escaped, bounded, carrying counts and the first failures only."""

from __future__ import annotations

import json
import re
from typing import Any

from ingest.document import Failure
from ingest.notify.alert import Alert, FailedDocument, ScopeStatus, reason_of
from ingest.notify.bodies import JSON_SCHEMA, SLACK_SECTION_CHARS, json_body, slack_body
from ingest.secret_scan.finding import SecretFinding

HOSTILE = "<!channel> & <https://evil.example|click here> <@U123>"


def alert(failures: int = 1, *, locator: str = "guide.md", reason: str = "answered 422") -> Alert:
    listed = tuple(
        FailedDocument("docs", "external_pages", f"{index}-{locator}", reason) for index in range(failures)
    )
    return Alert(
        event="failure",
        origin="run",
        scopes=(ScopeStatus("docs", "failing", 1_700_000_000.0, error=None),),
        time=1_700_000_100.0,
        host="sync-1",
        version="0.1.0",
        counts={"created": 1, "updated": 2, "deleted": 0, "unchanged": 30, "failed": failures},
        failures=listed,
        failures_total=failures,
        exit_code=1,
    )


def slack_texts(body: dict[str, Any]) -> list[str]:
    texts = [body["text"]]
    for block in body["blocks"]:
        if "text" in block:
            texts.append(block["text"]["text"])
        texts += [element["text"] for element in block.get("elements", [])]
    return texts


def test_hostile_locators_and_reasons_cannot_mention_or_link_in_slack() -> None:
    """``<!channel>``, ``<@U…>`` and ``<url|label>`` in a locator or a reason reach Slack escaped."""
    body = slack_body(alert(locator=HOSTILE, reason=HOSTILE), max_failures=10)
    for text in slack_texts(body):
        # Slack reads a control sequence only between a raw < and >; none may be left.
        assert "<" not in text and ">" not in text
        assert re.search(r"&(?!amp;|lt;|gt;)", text) is None  # every & escaped
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt;" in json.dumps(body)


def test_the_json_body_has_its_documented_shape() -> None:
    """Every documented key, times in UTC ISO 8601, the text as it was (JSON needs no escaping)."""
    body = json_body(alert(locator=HOSTILE), max_failures=10)
    assert set(body) == {
        "schema",
        "event",
        "origin",
        "summary",
        "sources",
        "counts",
        "failures",
        "failures_left_out",
        "exit_code",
        "host",
        "version",
        "time",
    }
    assert body["schema"] == JSON_SCHEMA and body["event"] == "failure" and body["exit_code"] == 1
    assert body["sources"] == [
        {"source": "docs", "status": "failing", "failing_since": "2023-11-14T22:13:20Z", "error": None}
    ]
    assert body["counts"] == {"created": 1, "updated": 2, "deleted": 0, "unchanged": 30, "failed": 1}
    assert body["failures"] == [
        {"source": "docs", "target": "external_pages", "locator": f"0-{HOSTILE}", "reason": "answered 422"}
    ]
    assert body["time"] == "2023-11-14T22:15:00Z"


def test_only_the_first_failures_are_listed_and_the_rest_counted() -> None:
    """500 failures, max_failures 10: ten listed, 490 counted, in both bodies."""
    many = alert(500)
    generic = json_body(many, max_failures=10)
    assert len(generic["failures"]) == 10 and generic["failures_left_out"] == 490
    slack = slack_body(many, max_failures=10)
    failures_text = slack["blocks"][2]["text"]["text"]
    assert failures_text.count("\n• ") == 10 and failures_text.endswith("… and 490 more")


def test_long_reasons_and_locators_keep_each_slack_section_within_its_limit() -> None:
    """Fifty failures with long locators and reasons: every section under Slack's 3,000 characters,
    the lines that did not fit counted."""
    body = slack_body(alert(50, locator="x" * 5_000, reason="y" * 5_000), max_failures=50)
    for block in body["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SLACK_SECTION_CHARS
    assert re.search(r"… and \d+ more$", body["blocks"][2]["text"]["text"])
    assert len(json.dumps(body)) < 20_000


def test_a_secret_finding_is_its_detector_and_fingerprint_only() -> None:
    """A failure for a secret: the message's text (which could quote anything) is not used."""
    finding = SecretFinding(
        locator="keys.md", line=3, detector="AWS Access Key", fingerprint="0123456789abcdef"
    )
    failure = Failure(locator="keys.md", message="AKIAIOSFODNN7EXAMPLE is a secret", secrets=(finding,))
    assert reason_of(failure) == "holds a secret: AWS Access Key (fingerprint 0123456789abcdef)"


def test_a_multi_line_reason_is_its_first_line_cut_short() -> None:
    """Whatever a failure's message holds after its first line never reaches a message."""
    failure = Failure(locator="a.md", message="could not convert\n" + "document text " * 100)
    assert reason_of(failure) == "could not convert"
    long = Failure(locator="a.md", message="z" * 1_000)
    assert len(reason_of(long)) == 300


def test_a_recovery_lists_the_sources_back_and_no_counts_block() -> None:
    """A recovery: each source recovered, since when it had failed; no failure section."""
    back = Alert(
        event="recovery",
        origin="watch",
        scopes=(ScopeStatus("docs", "recovered", 1_700_000_000.0), ScopeStatus("", "recovered", 1.0)),
        time=1_700_000_100.0,
        host="sync-1",
        version="0.1.0",
    )
    body = slack_body(back, max_failures=10)
    assert body["text"] == "fin-ingest on sync-1: recovered: docs, the run"
    assert (
        "source `docs`: recovered (failing since 2023-11-14T22:13:20Z)" in body["blocks"][0]["text"]["text"]
    )
    assert [block["type"] for block in body["blocks"]] == ["section", "context"]
    assert json_body(back, max_failures=10)["sources"][1]["source"] is None
