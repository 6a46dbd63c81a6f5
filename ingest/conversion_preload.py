"""What a conversion worker needs, loaded once in the fork server its workers are forked from:
the converter and its libraries, and the language identifier's model (0.6 s to load), so that
no worker, also one started to replace a worker killed at its time budget, loads them again,
and no document pays for them within its ``max_convert_seconds``."""

from ingest import conversion_pool  # noqa: F401 - imported for the fork server to hold

# The converters a document's format picks (imported lazily elsewhere: a command that converts
# nothing does not load them); here, before any worker is forked.
from ingest.convert import html, markdown, text  # noqa: F401
from ingest.language_id import load_model
from ingest.secret_scan import detector

load_model()
# detect-secrets and its plugins (ours imported by path): a worker's first scan configures them only.
detector.use_plugins(detector.DEFAULT_PLUGINS)
