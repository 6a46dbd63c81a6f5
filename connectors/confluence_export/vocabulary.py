"""What Confluence calls things in an HTML export: macro classes and names, panel kinds, code
brushes, and the plain words they become."""

from __future__ import annotations

import re

#: Elements (by class) whose output is navigation or a live widget, not content: dropped whole.
DROPPED_CLASSES = frozenset(
    {
        "toc-macro", "client-side-toc-macro", "plugin-contributors", "plugin_attachments_container",
        "plugin_attachments_upload_container", "hidden", "confluence-anchor-link", "aui-icon",
        "expand-control-icon", "refresh-module-id", "jira-issues-count", "pagetreesearch",
    }
)  # fmt: skip
#: The same, by ``data-macro-name`` (Cloud and recent Server exports name every macro).
DROPPED_MACROS = frozenset(
    {
        "toc", "pagetreesearch", "contributors", "contributors-summary", "attachments", "livesearch",
        "create-from-template", "blog-posts", "profile", "profile-picture", "popular-labels",
        "related-labels", "listlabels", "anchor", "space-details", "recently-updated-dashboard",
    }
)  # fmt: skip
#: Listing macros, which become lists of links to the pages they show (:mod:`.listings`), by
#: class and by ``data-macro-name``; the value names the kind.
LISTING_CLASSES = {
    "childpages-macro": "children", "children-macro": "children", "plugin_pagetree": "pagetree",
    "recently-updated": "recently-updated", "content-by-label": "contentbylabel",
}  # fmt: skip
LISTING_MACROS = {
    "children": "children", "pagetree": "pagetree", "recently-updated": "recently-updated",
    "contentbylabel": "contentbylabel", "content-by-label": "contentbylabel",
}  # fmt: skip
#: The label a panel's kind gets, as Markdown admonitions are labelled elsewhere.
PANEL_LABELS = {
    "information": "Info", "info": "Info", "note": "Note", "warning": "Warning", "tip": "Tip",
    "error": "Error", "success": "Success",
}  # fmt: skip
_LANGUAGES = {
    "js": "javascript", "py": "python", "sh": "bash", "shell": "bash", "c#": "csharp", "cs": "csharp",
    "ps": "powershell", "ps1": "powershell", "rb": "ruby", "yml": "yaml", "golang": "go",
    "ts": "typescript", "c++": "cpp", "actionscript3": "actionscript", "html/xml": "xml",
}  # fmt: skip
_NO_LANGUAGE = frozenset({"text", "plain", "plaintext", "none", "txt"})

_BRUSH = re.compile(r"brush:\s*([A-Za-z0-9_+#./-]{1,40})")
_LANGUAGE_NAME = re.compile(r"[A-Za-z0-9_+#.\-]{1,40}")
_DEFAULT_EXPAND = re.compile(r"^(click (here )?to )?expand( source)?\.*$", re.IGNORECASE)


def code_language(params: str) -> str | None:
    """The language named by a code block's ``data-syntaxhighlighter-params`` (``brush: py; ...``)."""
    match = _BRUSH.search(params)
    if match is None:
        return None
    brush = match.group(1).lower()
    if brush in _NO_LANGUAGE:
        return None
    language = _LANGUAGES.get(brush, brush)
    return language if _LANGUAGE_NAME.fullmatch(language) else None


def listing_kind(macro_name: str | None, classes: frozenset[str]) -> str | None:
    """The kind of listing macro an element is (``children``, ``pagetree``...), or None."""
    if macro_name in LISTING_MACROS:
        return LISTING_MACROS[macro_name]
    return next((LISTING_CLASSES[name] for name in sorted(classes) if name in LISTING_CLASSES), None)


def is_default_expand_label(label: str) -> bool:
    """Whether an expand section's label is Confluence's default, which says nothing."""
    return _DEFAULT_EXPAND.match(label) is not None
