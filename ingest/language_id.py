"""Which language a page's text is in, when nobody said: a safety net, not a source of truth.

py3langid (langid.py's naive Bayes model over byte n-grams, bundled, offline and deterministic)
reads the page's prose; code is left out, since keywords and identifiers read as English (or
as anything). The model is mapped on first use (:mod:`ingest.language_model`: only what the
pages read becomes resident), so a run that converts nothing never pays for it.
"""

from __future__ import annotations

import html
import re
import threading
from typing import Any, Final

#: How sure the identifier must be that a page is not English (py3langid's normalised
#: probability) before it is taken to be in another language. Measured with
#: ``benchmarks/language_threshold.py`` on 256 English pages full of code (Material for MkDocs,
#: FastAPI) and 1,364 translated ones (FastAPI in 11 languages): no false positive and no miss
#: among pages with enough prose anywhere from 0.5 to 0.999 (the most doubtful English page read
#: 0.38 "not English", Latin aside); 0.99 keeps a wide margin on both sides.
THRESHOLD: Final = 0.99
#: Less prose than this (UTF-8 bytes, spaces squeezed: the model reads bytes, and a Chinese
#: character says as much as a few Latin letters) says too little to call it anything.
MIN_BYTES: Final = 160
#: Enough text to tell a language; more only costs time (the same verdicts on the corpora the
#: threshold was measured on as with 4,000 characters, in a third of the time: 0.1 ms a page).
MAX_TEXT: Final = 1200

_CODE = re.compile(r"<(pre|code|kbd)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"\b(?:https?://|www\.)\S+")
_SPACE = re.compile(r"\s+")

_lock = threading.Lock()
_identifier: Any = None


def prose_of(page_html: str) -> str:
    """The text of ``page_html`` a reader reads as prose: no code, no tags, no URLs."""
    text = html.unescape(_TAG.sub(" ", _CODE.sub(" ", page_html)))
    return _SPACE.sub(" ", _URL.sub(" ", text)).strip()


def identify(text: str) -> tuple[str, float] | None:
    """``(the likeliest language other than English, the probability that the text is not
    English)`` for ``text`` (ISO 639 codes), or None when it is too short to say. Asking "not
    English?" rather than "which language?" keeps a page split between close languages (Chinese
    and Cantonese) from looking uncertain."""
    if len(text.encode("utf-8", "surrogatepass")) < MIN_BYTES:
        return None
    ranked = _model().rank(text[:MAX_TEXT])
    english = next((float(score) for language, score in ranked if language == "en"), 0.0)
    best = next((str(language) for language, _ in ranked if language != "en"), "en")
    return best, 1.0 - english


def load_model() -> None:
    """Load the model now rather than on the first page (a fork server does, for its workers)."""
    _model()


def _model() -> Any:
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_DIR, MODEL_FILE  # type: ignore[import-untyped]

            from ingest.language_model import cache_root, mapped_identifier

            _identifier = mapped_identifier(MODEL_DIR / MODEL_FILE, cache_root())
        return _identifier
