"""Seeded secrets: one made-up value of each kind a source may leak, in the shape of the real thing.

Every value is built here from a fixed seed (no real credential, and no literal a repository's
own secret scanner would flag), together with the detector expected to find it.
"""

from __future__ import annotations

import base64
import random
import string
from dataclasses import dataclass
from typing import Final

_UPPER_DIGITS: Final = string.ascii_uppercase + string.digits
_ALNUM: Final = string.ascii_letters + string.digits
_LOWER_DIGITS: Final = string.ascii_lowercase + string.digits
_HEX: Final = "0123456789abcdef"


@dataclass(frozen=True)
class Seeded:
    """One seeded secret: the detector that must find it, the secret, the line that holds it."""

    detector: str
    secret: str
    line: str


def _random(seed: int) -> random.Random:
    return random.Random(seed)  # deterministic: the same values on every run


def _pick(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def seeded_secrets(seed: int = 15) -> list[Seeded]:
    """Every seeded kind (more than 20), each with a line a docs page could hold."""
    rng = _random(seed)
    pick = lambda alphabet, count: _pick(rng, alphabet, count)  # noqa: E731
    items = [
        ("AWS Access Key", "AKIA" + pick(_UPPER_DIGITS, 16), "aws_access_key_id = {}"),
        ("GitHub Token", "ghp_" + pick(_ALNUM, 36), "export GITHUB_TOKEN={}"),
        ("GitLab Token", "glpat-" + pick(_ALNUM, 20), "Use the token `{}` to clone."),
        (
            "Slack Token",
            f"xoxb-{pick(string.digits, 12)}-{pick(string.digits, 13)}-{pick(_ALNUM, 24)}",
            "SLACK_BOT_TOKEN: {}",
        ),
        (
            "Slack Token",
            f"https://hooks.slack.com/services/T{pick(_UPPER_DIGITS, 8)}/B{pick(_UPPER_DIGITS, 8)}/"
            f"{pick(_ALNUM, 24)}",
            "Post alerts to {}",
        ),
        ("Stripe Access Key", "sk_live_" + pick(_ALNUM, 24), "stripe.api_key = '{}'"),
        ("SendGrid API Key", f"SG.{pick(_ALNUM, 22)}.{pick(_ALNUM, 43)}", "SENDGRID_API_KEY={}"),
        ("NPM tokens", "npm_" + pick(_ALNUM, 36), "//registry.npmjs.org/:_authToken={}"),
        ("PyPI Token", "pypi-AgEIcHlwaS5vcmc" + pick(_ALNUM, 80), "password = {}"),
        ("Mailchimp Access Key", pick(_LOWER_DIGITS, 32) + "-us12", "Mailchimp key: {}"),
        (
            "Discord Bot Token",
            f"M{pick(_ALNUM, 24)}.{pick(_ALNUM, 6)}.{pick(_ALNUM, 27)}",
            "DISCORD_TOKEN={}",
        ),
        ("Telegram Bot Token", f"{pick(string.digits, 9)}:{pick(_ALNUM, 35)}", "bot token {}"),
        ("Square OAuth Secret", "sq0csp-" + pick(_ALNUM, 43), "Square secret: {}"),
        (
            "Azure Storage Account access key",
            "AccountKey=" + base64.b64encode(rng.randbytes(64)).decode(),
            "DefaultEndpointsProtocol=https;AccountName=docs;{};EndpointSuffix=core.windows.net",
        ),
        ("Basic Auth Credentials", f"https://deploy:{pick(_ALNUM, 18)}@ci.example.com/hook", "Webhook: {}"),
        (
            "Private Key",  # a GCP service account's key file, as pasted
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + pick(_ALNUM, 64),
            '"private_key": "-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n",',
        ),
        (
            "JSON Web Token",
            "eyJhbGciOiJIUzI1NiJ9."
            + base64.urlsafe_b64encode(b'{"sub":"' + pick(_ALNUM, 12).encode() + b'"}').decode().rstrip("=")
            + "."
            + pick(_ALNUM, 43),
            "Authorization: Bearer {}",
        ),
        ("Google API Key", "AIza" + pick(_ALNUM, 35), "maps_key: {}"),
        ("Anthropic API Key", "sk-ant-api03-" + pick(_ALNUM, 93) + "AA", "ANTHROPIC_API_KEY={}"),
        ("OpenAI Project Key", "sk-proj-" + pick(_ALNUM, 120), "OPENAI_API_KEY={}"),
        (
            "Intercom Access Token",
            base64.b64encode(b"tok:" + pick(_HEX, 32).encode() + b":" + pick(_HEX, 8).encode()).decode(),
            "Authorization: Bearer {}",
        ),
        ("Shopify Token", "shpat_" + pick(_HEX, 32), "X-Shopify-Access-Token: {}"),
        ("DigitalOcean Token", "dop_v1_" + pick(_HEX, 64), "doctl auth init -t {}"),
        ("Heroku API Key", "HRKU-AA" + pick(_ALNUM, 58), "HEROKU_API_KEY={}"),
        ("Datadog Key", pick(_HEX, 32), "DD_API_KEY={}"),
        ("Atlassian API Token", "ATATT3xFfGF0" + pick(_ALNUM, 180), "JIRA_API_TOKEN={}"),
        ("Notion Integration Token", "ntn_" + pick(string.digits, 11) + pick(_ALNUM, 35), "NOTION_TOKEN={}"),
        ("Linear API Key", "lin_api_" + pick(_ALNUM, 40), "LINEAR_API_KEY={}"),
        (
            "Database URL with password",
            f"postgres://app:{pick(_ALNUM, 16)}@db.internal:5432/app",
            "DATABASE_URL={}",
        ),
        ("HashiCorp Vault Token", "hvs." + pick(_ALNUM, 92), "VAULT_TOKEN={}"),
        ("Hugging Face Token", "hf_" + pick(string.ascii_letters, 34), "HF_TOKEN={}"),
        ("Postman API Key", f"PMAK-{pick(_HEX, 24)}-{pick(_HEX, 34)}", "POSTMAN_API_KEY={}"),
        ("GitHub Fine-grained Token", "github_pat_" + pick(_ALNUM, 82), "token: {}"),
        ("Grafana Token", f"glsa_{pick(_ALNUM, 32)}_{pick(_HEX, 8)}", "GRAFANA_TOKEN={}"),
        ("Supabase Token", "sbp_" + pick(_HEX, 40), "SUPABASE_ACCESS_TOKEN={}"),
        ("New Relic Key", "NRAK-" + pick(_UPPER_DIGITS, 27), "NEW_RELIC_API_KEY={}"),
    ]
    return [Seeded(detector, secret, line.format(secret)) for detector, secret, line in items]
