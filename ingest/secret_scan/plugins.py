"""Token formats detect-secrets' own plugins lack, as detect-secrets plugins.

detect-secrets imports this file by path (``plugins_used: [{"name": ..., "path": "file://..."}]``),
so it imports nothing of the project. Only formats with a prefix or shape of their own are
here: a bare 32-character hex string is anyone's id, so Datadog's keys are caught only where a
variable names them. Each pattern starts with its literal prefix (no ``\b`` before it), which lets
the regex engine skip to where the prefix occurs instead of trying every position of a page.
"""

from __future__ import annotations

import re

from detect_secrets.plugins.base import RegexBasedDetector


class GoogleApiKeyDetector(RegexBasedDetector):
    """Google Cloud and Firebase API keys."""

    secret_type = "Google API Key"
    denylist = (re.compile(r"(AIza[0-9A-Za-z_\-]{35})(?![0-9A-Za-z_\-])"),)


class AnthropicKeyDetector(RegexBasedDetector):
    """Anthropic API and admin keys."""

    secret_type = "Anthropic API Key"
    denylist = (re.compile(r"(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{80,120})"),)


class OpenAIProjectKeyDetector(RegexBasedDetector):
    """OpenAI's project, service-account and admin keys (detect-secrets knows only the legacy form)."""

    secret_type = "OpenAI Project Key"
    denylist = (re.compile(r"(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,200})"),)


class IntercomTokenDetector(RegexBasedDetector):
    """Intercom access tokens: base64 of ``tok:`` and the token's id."""

    secret_type = "Intercom Access Token"
    denylist = (re.compile(r"(dG9rO[A-Za-z0-9+/]{50,}={0,2})"),)


class ShopifyTokenDetector(RegexBasedDetector):
    """Shopify access, custom-app, private-app tokens and shared secrets."""

    secret_type = "Shopify Token"
    denylist = (re.compile(r"(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b"),)


class DigitalOceanTokenDetector(RegexBasedDetector):
    """DigitalOcean personal, OAuth and refresh tokens."""

    secret_type = "DigitalOcean Token"
    denylist = (re.compile(r"(do[opr]_v1_[a-f0-9]{64})\b"),)


class HerokuKeyDetector(RegexBasedDetector):
    """Heroku platform API keys in their prefixed form."""

    secret_type = "Heroku API Key"
    denylist = (re.compile(r"(HRKU-[A-Za-z0-9_\-]{58,64})"),)


class DatadogKeyDetector(RegexBasedDetector):
    """Datadog API and application keys where a variable names them (the key alone is plain hex)."""

    secret_type = "Datadog Key"
    denylist = (
        re.compile(
            r"(?i)\b(?:DD|DATADOG)_(?:API|APP|APPLICATION)_KEY[\"']?\s*(?:=|:|:=)\s*[\"']?([a-f0-9]{32,40})\b"
        ),
    )


class AtlassianTokenDetector(RegexBasedDetector):
    """Atlassian (Jira, Confluence, Bitbucket) API tokens."""

    secret_type = "Atlassian API Token"
    denylist = (re.compile(r"(ATATT3[A-Za-z0-9_\-=]{150,250})"),)


class NotionTokenDetector(RegexBasedDetector):
    """Notion integration tokens, old (``secret_``) and new (``ntn_``)."""

    secret_type = "Notion Integration Token"
    denylist = (
        re.compile(r"(ntn_[0-9]{11}[A-Za-z0-9]{35})\b"),
        re.compile(r"(secret_[A-Za-z0-9]{43})\b"),
    )


class LinearKeyDetector(RegexBasedDetector):
    """Linear API keys."""

    secret_type = "Linear API Key"
    denylist = (re.compile(r"(lin_(?:api|oauth)_[A-Za-z0-9]{40})\b"),)


class DatabaseUrlDetector(RegexBasedDetector):
    """A database or queue URL carrying a password (Postgres, MySQL, MongoDB, Redis, AMQP)."""

    secret_type = "Database URL with password"
    denylist = (
        re.compile(
            r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?)://[^:/\s@]*:([^@/\s]{3,})@"
        ),
    )


class HashicorpVaultTokenDetector(RegexBasedDetector):
    """HashiCorp Vault service and batch tokens."""

    secret_type = "HashiCorp Vault Token"
    denylist = (re.compile(r"(hv[sb]\.[A-Za-z0-9_\-]{90,})"),)


class HuggingFaceTokenDetector(RegexBasedDetector):
    """Hugging Face access tokens."""

    secret_type = "Hugging Face Token"
    denylist = (re.compile(r"(hf_[A-Za-z]{34})\b"),)


class PostmanKeyDetector(RegexBasedDetector):
    """Postman API keys."""

    secret_type = "Postman API Key"
    denylist = (re.compile(r"(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b"),)


class GitHubFineGrainedTokenDetector(RegexBasedDetector):
    """GitHub fine-grained personal access tokens (detect-secrets knows the classic ``ghp_`` form)."""

    secret_type = "GitHub Fine-grained Token"
    denylist = (re.compile(r"(github_pat_[A-Za-z0-9_]{82})\b"),)


class GrafanaTokenDetector(RegexBasedDetector):
    """Grafana service-account and Grafana Cloud tokens."""

    secret_type = "Grafana Token"
    denylist = (
        re.compile(r"(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\b"),
        re.compile(r"(glc_[A-Za-z0-9+/]{32,400}={0,2})"),
    )


class SupabaseTokenDetector(RegexBasedDetector):
    """Supabase personal access tokens."""

    secret_type = "Supabase Token"
    denylist = (re.compile(r"(sbp_[a-f0-9]{40})\b"),)


class NewRelicKeyDetector(RegexBasedDetector):
    """New Relic user API keys."""

    secret_type = "New Relic Key"
    denylist = (re.compile(r"(NRAK-[A-Z0-9]{27})\b"),)


class AgeSecretKeyDetector(RegexBasedDetector):
    """age encryption secret keys."""

    secret_type = "age Secret Key"
    denylist = (re.compile(r"(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b"),)
