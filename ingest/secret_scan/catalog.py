"""The detect-secrets plugins a source may use, by class name, and which are on by default.

Kept as names (this module imports nothing) so that configuration is validated without
loading detect-secrets; ``tests/secret_scan/test_catalog.py`` holds the names to the library's.
"""

from __future__ import annotations

from typing import Final

#: detect-secrets' own plugins (1.5).
BUILT_IN: Final = (
    "ArtifactoryDetector",
    "AWSKeyDetector",
    "AzureStorageKeyDetector",
    "BasicAuthDetector",
    "CloudantDetector",
    "DiscordBotTokenDetector",
    "GitHubTokenDetector",
    "GitLabTokenDetector",
    "Base64HighEntropyString",
    "HexHighEntropyString",
    "IbmCloudIamDetector",
    "IbmCosHmacDetector",
    "IPPublicDetector",
    "JwtTokenDetector",
    "KeywordDetector",
    "MailchimpDetector",
    "NpmDetector",
    "OpenAIDetector",
    "PrivateKeyDetector",
    "PypiTokenDetector",
    "SendGridDetector",
    "SlackDetector",
    "SoftlayerDetector",
    "SquareOAuthDetector",
    "StripeDetector",
    "TelegramBotTokenDetector",
    "TwilioKeyDetector",
)

#: Ours (``ingest/secret_scan/plugins.py``): cloud and SaaS formats the library lacks.
OURS: Final = (
    "AgeSecretKeyDetector",
    "AnthropicKeyDetector",
    "AtlassianTokenDetector",
    "DatabaseUrlDetector",
    "DatadogKeyDetector",
    "DigitalOceanTokenDetector",
    "GitHubFineGrainedTokenDetector",
    "GoogleApiKeyDetector",
    "GrafanaTokenDetector",
    "HashicorpVaultTokenDetector",
    "HerokuKeyDetector",
    "HuggingFaceTokenDetector",
    "IntercomTokenDetector",
    "LinearKeyDetector",
    "NewRelicKeyDetector",
    "NotionTokenDetector",
    "OpenAIProjectKeyDetector",
    "PostmanKeyDetector",
    "ShopifyTokenDetector",
    "SupabaseTokenDetector",
)

#: Off unless a source turns them on (``secrets_plugins_on``): measured on real docs, they flag
#: what docs are full of (see benchmarks/secret_scan_measure.py and the README's figures).
#: An IP address is no secret to a docs page; the generic ones flag example values and ids.
OFF_BY_DEFAULT: Final = frozenset(
    {"Base64HighEntropyString", "HexHighEntropyString", "KeywordDetector", "IPPublicDetector"}
)

ALL: Final = frozenset(BUILT_IN) | frozenset(OURS)

#: What a source's scan uses unless it says otherwise.
DEFAULT_ON: Final = ALL - OFF_BY_DEFAULT
