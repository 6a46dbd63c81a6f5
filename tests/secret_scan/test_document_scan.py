"""The scan of one loaded document and its page: lines, included content, and each allow-list."""

from __future__ import annotations

import base64
import json

import pytest
from detect_secrets.core.potential_secret import PotentialSecret

from ingest.document import BodyFormat, Page, SourceDocument
from ingest.secret_scan.baseline import BaselineError, parse_baseline
from ingest.secret_scan.document_scan import AllowListError, findings_in
from ingest.secret_scan.policy import ScanPolicy, policy_of
from tests.secret_scan.seeded import seeded_secrets


def _jwt(claims: dict[str, object]) -> str:
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{encoded}.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1oZXJl"


#: jwt.io's sample claims, and a token that expired in 2001: no one's credential.
SAMPLE_JWT = _jwt({"sub": "1234567890", "name": "John Doe", "iat": 1516239022})
EXPIRED_JWT = _jwt({"sub": "svc-deploy", "exp": 1_000_000_000})
SEEDED = {item.detector: item for item in seeded_secrets()}
AWS = SEEDED["AWS Access Key"]
GOOGLE = SEEDED["Google API Key"]


def _document(
    source: str, *, html: str = "<p>text</p>", metadata: dict[str, object] | None = None
) -> tuple[SourceDocument, Page]:
    document = SourceDocument(
        external_id="guide.md",
        title="Guide",
        body=source,
        format=BodyFormat.MARKDOWN,
        path="guide.md",
        fingerprint="1",
        metadata=metadata or {},
        source=source,
    )
    page = Page("guide.md", "Guide", html, None, "guide.md", "1")
    return document, page


def test_every_seeded_kind_is_found_at_its_line() -> None:
    """Each seeded secret, one per line, is found at its line by the detector expected."""
    items = seeded_secrets()
    source = "\n".join(["# Secrets", *(item.line for item in items)])
    findings = findings_in(*_document(source), ScanPolicy())
    found = {(finding.line, finding.detector) for finding in findings}
    # A URL's password is one finding though two plugins see it: the first one's, Basic Auth.
    overlaps = {"Database URL with password": "Basic Auth Credentials"}
    for number, item in enumerate(items, start=2):
        assert (number, overlaps.get(item.detector, item.detector)) in found, item.detector
    assert len({item.detector for item in items}) >= 20


def test_a_finding_never_carries_the_secret() -> None:
    """What a finding holds (and says) names no part of the secret beyond its fingerprint."""
    (finding,) = findings_in(*_document(f"key: {AWS.secret}"), ScanPolicy())
    assert AWS.secret[4:] not in repr(finding) and AWS.secret[4:] not in finding.describe()
    assert finding.line == 1 and finding.detector == "AWS Access Key" and len(finding.fingerprint) == 16


def test_front_matter_is_scanned_with_its_lines() -> None:
    """A key pasted in front matter is found at its line of the file."""
    source = f"---\ntitle: Setup\napi_key: {GOOGLE.secret}\n---\n\n# Setup\n"
    (finding,) = findings_in(*_document(source), ScanPolicy())
    assert (finding.line, finding.detector) == (3, "Google API Key")


def test_what_only_the_page_shows_is_found_without_a_line() -> None:
    """A secret the page shows from an included file (or a link's target) has no line."""
    html = f'<p>see <a href="https://ci.example.com/?key={GOOGLE.secret}">the job</a></p>'
    (finding,) = findings_in(*_document("# Guide\n\n{{< include other.md >}}\n", html=html), ScanPolicy())
    assert finding.line is None and finding.detector == "Google API Key"


def test_a_secret_in_the_source_and_on_the_page_is_reported_once_at_its_line() -> None:
    (finding,) = findings_in(*_document(f"Key {AWS.secret}\n", html=f"<p>Key {AWS.secret}</p>"), ScanPolicy())
    assert finding.line == 1


def test_the_inline_pragma_allows_its_line_and_the_page_copy() -> None:
    """``pragma: allowlist secret`` on the line, or ``nextline`` on the line before, allows it."""
    same_line = f"Key {AWS.secret} <!-- pragma: allowlist secret -->\n"
    next_line = f"<!-- pragma: allowlist nextline secret -->\nKey {GOOGLE.secret}\n"
    for source, secret in ((same_line, AWS.secret), (next_line, GOOGLE.secret)):
        assert findings_in(*_document(source, html=f"<p>Key {secret}</p>"), ScanPolicy()) == ()
    # The pragma covers one line only.
    assert len(findings_in(*_document(next_line + f"Again {AWS.secret}\n"), ScanPolicy())) == 1


def test_front_matter_allows_a_finding_by_its_fingerprint() -> None:
    source = f"Key {AWS.secret}\nOther {GOOGLE.secret}\n"
    document, page = _document(source)
    aws, google = findings_in(document, page, ScanPolicy())
    allowed, _ = _document(source, metadata={"secrets_allow": [aws.fingerprint]})
    assert findings_in(allowed, page, ScanPolicy()) == (google,)


def test_front_matter_allow_list_of_the_wrong_shape_raises() -> None:
    """A blanket ``secrets_allow: true`` is no list of fingerprints: the scan refuses it."""
    document, page = _document(f"Key {AWS.secret}\n", metadata={"secrets_allow": True})
    with pytest.raises(AllowListError, match="secrets_allow"):
        findings_in(document, page, ScanPolicy())


def test_a_baseline_accepts_what_it_lists_for_that_file_only() -> None:
    """detect-secrets' baseline: its hashes, per file relative to the baseline's folder."""
    document, page = _document(f"Key {AWS.secret}\nOther {GOOGLE.secret}\n")
    aws, google = findings_in(document, page, ScanPolicy())
    hashed = PotentialSecret.hash_secret(AWS.secret)
    assert hashed.startswith(aws.fingerprint)
    raw = json.dumps({"version": "1.5.0", "results": {"guide.md": [
        {"type": "AWS Access Key", "filename": "guide.md", "hashed_secret": hashed, "line_number": 1}
    ]}}).encode()  # fmt: skip
    policy = ScanPolicy().with_baseline(parse_baseline(raw, ""))
    assert findings_in(document, page, policy) == (google,)
    elsewhere = ScanPolicy().with_baseline(parse_baseline(raw, "other"))
    assert len(findings_in(document, page, elsewhere)) == 2


def test_a_baseline_entry_audited_as_a_real_secret_accepts_nothing() -> None:
    hashed = PotentialSecret.hash_secret(AWS.secret)
    raw = json.dumps({"results": {"guide.md": [{"hashed_secret": hashed, "is_secret": True}]}}).encode()
    policy = ScanPolicy().with_baseline(parse_baseline(raw, ""))
    assert len(findings_in(*_document(f"Key {AWS.secret}\n"), policy)) == 1


def test_a_baseline_that_is_not_one_is_refused() -> None:
    with pytest.raises(BaselineError, match="not JSON"):
        parse_baseline(b"{", "")
    with pytest.raises(BaselineError, match="results"):
        parse_baseline(b'{"version": "1.5.0"}', "")


def test_a_plugin_turned_off_finds_nothing_and_scanning_off_finds_nothing() -> None:
    document, page = _document(f"Key {AWS.secret}\n")
    off = policy_of(enabled=True, off=frozenset({"AWSKeyDetector"}), on=frozenset(), baseline_path=None)
    assert findings_in(document, page, off) == ()
    assert findings_in(document, page, ScanPolicy(enabled=False)) == ()
    assert len(findings_in(document, page, ScanPolicy())) == 1


def test_generic_plugins_are_off_by_default_and_can_be_turned_on() -> None:
    """``password = ...`` is the keyword plugin's, off by default on docs (see the measure)."""
    document, page = _document('password = "Tr0ub4dor&3horse"\n')
    assert findings_in(document, page, ScanPolicy()) == ()
    on = policy_of(enabled=True, off=frozenset(), on=frozenset({"KeywordDetector"}), baseline_path=None)
    (finding,) = findings_in(document, page, on)
    assert finding.detector == "Secret Keyword"


@pytest.mark.parametrize(
    "example",
    [
        "https-proxy=https://use%21r:pas%2As@proxy.example.com",
        "`postgres://user:pass@localhost/db`",
        "mongodb://admin:<password>@cluster0.example.net",
        "redis://:${REDIS_PASSWORD}@cache:6379",
        "https://me:xxxxxxxx@git.example.com",
        'key="-----BEGIN PRIVATE KEY-----\\nXXXX\\nXXXX\\n-----END PRIVATE KEY-----"',
        "Bearer " + SAMPLE_JWT,
        "Bearer " + EXPIRED_JWT,
    ],
)
def test_placeholders_docs_write_are_not_findings(example: str) -> None:
    """Example credentials and a key's header with no key under it (the false positives measured)."""
    assert findings_in(*_document(example + "\n"), ScanPolicy()) == ()


def test_a_real_looking_password_in_a_url_and_a_key_under_its_header_are_findings() -> None:
    source = "postgres://app:Xk2jd8Hq1zLw@db.example.com/app\n-----BEGIN RSA PRIVATE KEY-----\n" + (
        "MIIEowIBAAKCAQEA7bq98S7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGe\n"
    )
    lines = {finding.line for finding in findings_in(*_document(source), ScanPolicy())}
    assert lines == {1, 2}


def test_a_live_looking_jwt_is_a_finding() -> None:
    live = _jwt({"sub": "svc-deploy", "exp": 4_102_444_800})  # 2100
    (finding,) = findings_in(*_document(f"Bearer {live}\n"), ScanPolicy())
    assert finding.detector == "JSON Web Token"


def test_a_scan_that_raises_keeps_the_document_back() -> None:
    """Fail closed: the gate turns a scan it cannot trust into a failure naming the external id."""
    from ingest.document import Failure
    from ingest.secret_gate import gate

    document, page = _document("Plain text.\n", metadata={"secrets_allow": True})
    kept = gate(document, page, ScanPolicy())
    assert isinstance(kept, Failure) and kept.external_id == "guide.md"
    assert "secret scan failed" in kept.message
    assert gate(*_document("Plain text.\n"), ScanPolicy()) == page
