"""Availability as code: a source's rules, by path glob and by front matter, saying which Fin
surfaces may use the documents they match (``[[sources.<name>.availability]]``).

Precedence, lowest first: the source's ``ai_agent`` / ``ai_copilot`` / ``ai_sales_agent``; a
document's own front matter (``ai_agent: false``); the rules that match it, later rules over
earlier ones, flag by flag. Rules win over a document's front matter because they are the
reviewed policy: a page under ``internal/**`` that says ``ai_agent: true`` of itself is the
accident a rule exists to stop, and its author can still change what the rule matches on.

What a document "declares" (recorded in state) is this whole stack but the source's keys, so
state, the planner and the targets keep comparing one value per document. Per document, state
also keeps its *facts* (:meth:`AvailabilityRules.facts_of`): what the rules gave it and the
values of the front matter keys they named. When the rules change, the documents whose
availability they change are found from the recorded locators and facts alone
(:meth:`AvailabilityRules.to_reread`): a path rule never needs a document read to know it
matches; a front matter key no rule named before needs each document read once.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from wcmatch import glob

from ingest.availability import UNSAID, Availability, declared_availability
from ingest.canonical import canonical_json, digest

#: The globs' dialect: the same as a source's ``include`` and ``exclude``.
GLOB_FLAGS: Final = glob.GLOBSTAR | glob.DOTGLOB | glob.BRACE

#: A front matter value as rules compare it: dates as ISO text, lists as tuples.
Comparable = str | int | float | bool | tuple["Comparable", ...] | None


def comparable(value: object) -> Comparable:
    """``value`` (from YAML front matter or TOML) in the one form rules compare and state keeps."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return tuple(comparable(item) for item in value)
    return str(value)


@dataclass(frozen=True, slots=True)
class AvailabilityRule:
    """Documents matching every condition given (``paths``: any of the globs; ``front_matter``: each
    key equal to its value, a list on either side meaning any of its items) get ``sets``."""

    paths: tuple[str, ...] = ()
    front_matter: tuple[tuple[str, Comparable], ...] = ()
    sets: Availability = UNSAID
    _compiled: glob.WcMatcher[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.paths:
            object.__setattr__(self, "_compiled", glob.compile(list(self.paths), flags=GLOB_FLAGS))

    def matches(self, locator: str, values: Mapping[str, Comparable]) -> bool:
        if self._compiled is not None and not self._compiled.match(locator):
            return False
        return all(_holds(values.get(key, _ABSENT), wanted) for key, wanted in self.front_matter)

    def described(self) -> dict[str, object]:
        """The rule as configured, for its digest and messages."""
        return {
            "paths": list(self.paths),
            "front_matter": {key: value for key, value in self.front_matter},
            **self.sets.said(),
        }


_ABSENT: Final = object()


def _holds(value: object, wanted: Comparable) -> bool:
    """Whether a document's ``value`` is what a rule wants: a list on either side is "any of"."""
    if value is _ABSENT:
        return False
    values = value if isinstance(value, tuple) else (value,)
    wanted_values = wanted if isinstance(wanted, tuple) else (wanted,)
    return any(one in wanted_values for one in values)


class Declared(NamedTuple):
    """What a document read now declares of its availability, under its source's rules."""

    availability: Availability
    #: What to record of the rules for it (None: the source has no rules).
    facts: str | None
    #: Positions of the rules it matched.
    matched: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """What a pass over recorded documents found after the rules changed."""

    #: Locators of the documents to read again: what the rules give them differs from what they
    #: were given, or a key the rules name now was not looked at when they were last read.
    reread: frozenset[str]
    #: Positions (from 0) of the rules that matched a recorded document.
    matched: frozenset[int]


class AvailabilityRules:
    """A source's rules, in order (an empty set: none, and nothing is recorded for them)."""

    def __init__(self, rules: Sequence[AvailabilityRule] = ()) -> None:
        self.rules = tuple(rules)
        keys = dict.fromkeys(key for rule in self.rules for key, _ in rule.front_matter)
        #: The front matter keys some rule names, in order.
        self.front_matter_keys: tuple[str, ...] = tuple(keys)
        #: What state records of the rules a source's documents were last given; None: no rules.
        self.digest: str | None = digest([rule.described() for rule in self.rules]) if self.rules else None

    def __bool__(self) -> bool:
        return bool(self.rules)

    def matching(self, locator: str, values: Mapping[str, Comparable]) -> list[int]:
        """Positions of the rules a document matches."""
        return [index for index, rule in enumerate(self.rules) if rule.matches(locator, values)]

    def values_of(self, metadata: Mapping[str, object]) -> dict[str, Comparable]:
        """The document's values of the keys the rules name (keys it lacks left out)."""
        return {key: comparable(metadata[key]) for key in self.front_matter_keys if key in metadata}

    def declared(self, locator: str, metadata: Mapping[str, object]) -> Declared:
        """What the document declares of its availability: its own front matter under the rules.
        Raises ValueError, in one sentence naming the key, for a front matter flag that is not a
        boolean."""
        own = declared_availability(metadata)
        if not self.rules:
            return Declared(own, None, ())
        values = self.values_of(metadata)
        positions = self.matching(locator, values)
        given = self._given(positions)
        return Declared(given.over(own), _facts(self.front_matter_keys, values, given), tuple(positions))

    def to_reread(self, recorded: Iterable[tuple[str, str | None]]) -> RuleCheck:
        """Of the recorded documents (locator, facts as :meth:`declared` gave them), those these
        rules would declare otherwise than the rules they were last read under."""
        reread: set[str] = set()
        matched: set[int] = set()
        wanted_keys = set(self.front_matter_keys)
        for locator, stored in recorded:
            looked_at, values, given = _parsed(stored)
            positions = self.matching(locator, values)
            matched.update(positions)
            if not wanted_keys <= looked_at:
                reread.add(locator)
                continue
            if self._given(positions) != given:
                reread.add(locator)
        return RuleCheck(frozenset(reread), frozenset(matched))

    def _given(self, positions: Iterable[int]) -> Availability:
        """What the rules at ``positions`` give: later rules over earlier ones, flag by flag."""
        given = UNSAID
        for index in positions:
            given = self.rules[index].sets.over(given)
        return given

    def unmatched(self, matched: Iterable[int]) -> list[str]:
        """A warning for each rule that matched no document, naming it as a configuration error
        would (``availability.0``: the first)."""
        seen = set(matched)
        return [
            f"availability.{index} ({canonical_json(rule.described())}) matches no document of the source"
            for index, rule in enumerate(self.rules)
            if index not in seen
        ]


def _facts(keys: Sequence[str], values: Mapping[str, Comparable], given: Availability) -> str:
    return canonical_json({"k": list(keys), "v": dict(values), "r": _encode(given)})


def _parsed(stored: str | None) -> tuple[set[str], dict[str, Comparable], Availability]:
    """Recorded facts as (keys looked at, their values, what the rules gave); none recorded: a
    document read while the source had no rules."""
    if stored is None:
        return set(), {}, UNSAID
    facts = json.loads(stored)
    values = {key: comparable(value) for key, value in facts["v"].items()}
    return set(facts["k"]), values, _decode(facts["r"])


def _encode(availability: Availability) -> str:
    return "".join("-" if flag is None else "tf"[not flag] for flag in availability.as_tuple())


def _decode(stored: str) -> Availability:
    return Availability(*(None if char == "-" else char == "t" for char in stored))
