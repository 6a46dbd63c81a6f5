"""The documents a scan leaves to read, packed: a first sync of 200,000 documents lists them all
before reading the first.

As Python objects, each is a reference, its two strings, an effective fingerprint and the tuple
holding them: about 360 bytes. Here each is one ``marshal`` record in a single ``bytearray``
with its end offset in an ``array`` (about 110 bytes), unpacked again a batch at a time as it is
taken; what was taken is let go as reading goes on.
"""

from __future__ import annotations

import marshal
from array import array

from ingest.document import DocumentRef

#: A reference and its effective fingerprint.
Fingerprinted = tuple[DocumentRef, str]

#: Marshal's format version 4, the newest every supported Python reads and writes.
_VERSION = 4


class ReadQueue:
    """References with their effective fingerprints, in the order appended (or sorted by locator),
    taken off the front a batch at a time."""

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self._data = bytearray()
        self._ends = array("Q")
        self._next = 0
        self._in_order = True
        self._last = ""
        #: References of a connector's own subclass, kept whole by position (packing drops their fields).
        self._whole: dict[int, DocumentRef] = {}

    def append(self, ref: DocumentRef, fingerprint: str) -> None:
        if type(ref) is not DocumentRef:
            self._whole[len(self._ends)] = ref
        locator, connector_fingerprint = ref.locator, ref.fingerprint
        if type(locator) is not str or type(connector_fingerprint) is not str or type(fingerprint) is not str:
            # A connector's own kind of str (the SDK takes any): marshal takes only str itself.
            locator, connector_fingerprint = str.__str__(locator), str.__str__(connector_fingerprint)
            fingerprint = str.__str__(fingerprint)
        self._data += marshal.dumps((locator, connector_fingerprint, fingerprint), _VERSION)
        self._ends.append(len(self._data))
        self._in_order = self._in_order and self._last <= ref.locator
        self._last = ref.locator

    def __len__(self) -> int:
        return len(self._ends) - self._next

    def sort(self) -> None:
        """In locator order (a stable sort; nothing to do when they were appended in it)."""
        if self._in_order:
            return
        items = self.take(len(self))
        items.sort(key=lambda item: item[0].locator)
        self._clear()
        for ref, fingerprint in items:
            self.append(ref, fingerprint)

    def take(self, count: int) -> list[Fingerprinted]:
        """The next ``count`` (or fewer) references, let go of here."""
        stop = min(self._next + count, len(self._ends))
        taken: list[Fingerprinted] = []
        start = self._ends[self._next - 1] if self._next else 0
        base = self._base()
        for position in range(self._next, stop):
            end = self._ends[position]
            record = self._data[start - base : end - base]
            locator, fingerprint, effective = marshal.loads(record)  # noqa: S302 - packed by append() above
            ref = self._whole.pop(position, None) or DocumentRef(locator, fingerprint)
            taken.append((ref, effective))
            start = end
        self._next = stop
        self._let_go()
        return taken

    def _base(self) -> int:
        """The offset the data's first byte had when appended (what was taken is cut off the front)."""
        return self._ends[-1] - len(self._data) if self._ends else 0

    def _let_go(self) -> None:
        """Cut what was taken off the data once it is half of it or more (each byte moves once on average)."""
        if not self._next:
            return
        taken = self._ends[self._next - 1] - self._base()
        if taken and taken * 2 >= len(self._data):
            del self._data[:taken]
