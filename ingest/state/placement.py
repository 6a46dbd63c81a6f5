"""Where a target put a document's remote twin, beyond its id: typed, and how it is stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

#: A collection's place below the source's root collection: the names from the root down.
#: The root itself is the empty path.
CollectionPath = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Placement:
    """What a target needs besides the remote id to find a document's remote twin again."""

    #: The collections an article sits in, below the source's root (None: not in a collection).
    collection: CollectionPath | None = None
    #: The locale a translation was written under, into its original's article (None: an original).
    locale: str | None = None


#: Nothing beyond the remote id (External Pages; adopted pages).
NO_PLACEMENT: Final = Placement()


def path_key(path: CollectionPath) -> str:
    """How a path is stored: JSON, so a "/" inside a collection name stays unambiguous."""
    return json.dumps(list(path), ensure_ascii=False)


def path_from_key(key: str) -> CollectionPath:
    return tuple(str(name) for name in json.loads(key))
