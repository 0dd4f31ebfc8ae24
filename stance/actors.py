"""The actor registry: the ways news names an actor, mapped to one canonical actor.

The registry (``labels/actors.csv``) maps the ways news names an actor (``Moscow``, ``the Kremlin``, ``Putin``) to one
canonical actor with a kind, an affiliation (the state a person or body belongs to) and a code (ISO 3166 alpha-3, or an
IGO-style code such as UN or NATO). Nothing about actors is hard-coded here: users extend the file. Who holds a stance
toward whom is ``stance.holders``'s business.

>>> reg = Registry.from_rows([
...     {"name": "Russia", "kind": "state", "affiliation": "", "code": "RUS", "aliases": "Russia|Moscow"},
...     {"name": "Vladimir Putin", "kind": "person", "affiliation": "Russia", "code": "RUS", "aliases": "Putin"},
... ])
>>> [(m.text, m.actor.name) for m in reg.mentions("Putin returned to Moscow.")]
[('Putin', 'Vladimir Putin'), ('Moscow', 'Russia')]
>>> reg.lookup("Putin").name, reg.roll_up("Vladimir Putin"), reg.code("Vladimir Putin")
('Vladimir Putin', 'Russia', 'RUS')
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from stance.errors import InputError
from stance.features import alias_index, first_word, longest_alias

__all__ = ["Actor", "Registry", "Mention"]

KINDS = ("state", "person", "organisation")
COLUMNS = ("name", "kind", "affiliation", "code", "aliases")


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str
    affiliation: str
    code: str
    aliases: tuple[str, ...]

    @property
    def side(self) -> str:
        """The state this actor stands for: its affiliation, or itself."""
        return self.affiliation or self.name


class Mention(NamedTuple):
    """An actor named in a sentence: ``[start, end)`` offsets, the registry actor (None: a name not in the registry,
    or a pronoun that could not be resolved) and the text as written. (A named tuple: the finder makes many.)

    ``role`` is "" for a registry alias, "name" for a name not in the registry, "pronoun" for a pronoun or title
    resolved to ``actor``, and "speaker" / "subject" / "end" for the marker a sentence leaves at the end of a
    ``context`` (its holder; -1 offsets).
    """

    start: int
    end: int
    actor: Actor | None  # None: a name that is not in the registry
    text: str
    role: str = ""

    @property
    def name(self) -> str:
        return self.actor.name if self.actor else self.text


_WORD_CHAR = re.compile(r"\w")
def _actor(row: dict, source: str, line: int, seen: set[str]) -> Actor:
    """The actor of one registry row (``seen``: the names before it, to which its name is added), or ``InputError``
    naming ``source:line``."""
    name = (row.get("name") or "").strip()
    kind = (row.get("kind") or "").strip()
    if not name:
        raise InputError(f"{source}:{line}: actor without a name")
    if name in seen:
        raise InputError(f"{source}:{line}: actor {name!r} is listed twice")
    if kind not in KINDS:
        raise InputError(f"{source}:{line}: unknown kind {kind!r} for {name!r} (expected one of {', '.join(KINDS)})")
    seen.add(name)
    aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
    return Actor(name, kind, (row.get("affiliation") or "").strip(), (row.get("code") or "").strip(), aliases)


class Registry:
    """Canonical actors and the aliases that name them.

    Aliases match case-sensitively as whole words: not preceded by a word character or ".", not followed by a word
    character; at each place the longest alias wins, scanning left to right.
    """

    def __init__(self, actors: list[Actor]):
        self.actors = {a.name: a for a in actors}
        aliases = {alias: a for a in actors for alias in (a.name, *a.aliases)}
        self._by_alias = aliases
        # Aliases by their first word (or, for "@handle", their first character): a mention can only start where a
        # word starts, so the scan looks each word up in a dict instead of trying every alias everywhere.
        index: dict[str, list[str]] = {}
        for alias in aliases:
            key = first_word(alias) or alias[0]
            index.setdefault(key, []).append(alias)
        # one alias: compared in place; several: grouped by their second word (stance.features.alias_index) when the
        # word is first met, so a word costs a dict lookup and a few slices (no regex to compile, nothing grouped
        # at load: start-up time matters)
        self._index: dict[str, str | list[str] | dict] = {
            key: found[0] if len(found) == 1 else found for key, found in index.items()}
        # Where a mention may start: a word opening with A-Z or a digit, or one of the few other first words
        # ("the Kremlin", "@handle"); other words are skipped by the regex engine rather than looked up.
        others = sorted((k for k in index if not re.match(r"[A-Z0-9]", k)), key=len, reverse=True)
        words = [re.escape(k) + r"(?!\w)" if _WORD_CHAR.match(k) else re.escape(k) for k in others]
        self._scan = re.compile(r"(?<![\w.])(?:[A-Z0-9]\w*" + "".join("|" + w for w in words) + ")")

    @classmethod
    def from_rows(cls, rows, source: str = "<rows>", first_line: int = 2) -> Registry:
        actors, seen = [], set()
        rows = list(rows)
        for line, row in enumerate(rows, first_line):
            actors.append(_actor(row, source, line, seen))
        owners: dict[str, str] = {}
        for line, actor in enumerate(actors, first_line):
            if actor.affiliation and actor.affiliation not in seen:
                raise InputError(f"{source}:{line}: affiliation {actor.affiliation!r} of {actor.name!r} is not an actor")
            for alias in {actor.name, *actor.aliases}:
                other = owners.setdefault(alias, actor.name)
                if other != actor.name:
                    raise InputError(f"{source}:{line}: alias {alias!r} of {actor.name!r} already names {other!r}")
        return cls(actors)

    @classmethod
    def load(cls, path: str | Path) -> Registry:
        path = Path(path)
        try:
            with path.open(encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise InputError(f"{path}:1: missing column(s) {', '.join(missing)}")
                return cls.from_rows(reader, str(path))
        except (OSError, UnicodeDecodeError, csv.Error) as e:
            raise InputError(f"{path}: cannot read the actor registry: {e}") from None

    def merged(self, extra: str | Path | list[dict], source: str | None = None) -> Registry:
        """This registry with ``extra`` rows (a CSV path with the registry's columns, or dicts) merged over it.

        An extra row whose name is already an actor replaces that actor; an alias of an extra row that names another
        actor moves to the extra row; affiliations may name actors of either. Nothing is retrained: holder finding
        simply reads the merged registry. Errors name the extra file and line.

        >>> base = Registry.from_rows([{"name": "Kenya", "kind": "state", "affiliation": "", "code": "KEN",
        ...                             "aliases": "Kenya|Nairobi"}])
        >>> reg = base.merged([{"name": "William Ruto", "kind": "person", "affiliation": "Kenya", "code": "KEN",
        ...                     "aliases": "Ruto|President Ruto"}])
        >>> reg.lookup("Ruto").name, reg.roll_up("William Ruto"), len(base), len(reg)
        ('William Ruto', 'Kenya', 1, 2)
        """
        if isinstance(extra, (str, Path)):
            path = Path(extra)
            source = source or str(path)
            try:
                with path.open(encoding="utf-8-sig", newline="") as f:
                    reader = csv.DictReader(f)
                    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
                    if missing:
                        raise InputError(f"{path}:1: missing column(s) {', '.join(missing)}")
                    rows = list(reader)
            except (OSError, UnicodeDecodeError, csv.Error) as e:
                raise InputError(f"{path}: cannot read the extra actors: {e}") from None
        else:
            rows, source = list(extra), source or "<rows>"
        added, seen = [], set()
        for line, row in enumerate(rows, 2):
            added.append((line, _actor(row, source, line, seen)))
        known = set(self.actors) | seen
        owners: dict[str, str] = {}
        for i, (line, actor) in enumerate(added):
            if actor.affiliation and actor.affiliation not in known:
                raise InputError(f"{source}:{line}: affiliation {actor.affiliation!r} of {actor.name!r} is not an actor")
            parent = self.actors.get(actor.affiliation)
            if not actor.code and parent is not None and parent.code:  # a person or body takes its state's code
                actor = Actor(actor.name, actor.kind, actor.affiliation, parent.code, actor.aliases)
                added[i] = (line, actor)
            for alias in {actor.name, *actor.aliases}:
                other = owners.setdefault(alias, actor.name)
                if other != actor.name:
                    raise InputError(f"{source}:{line}: alias {alias!r} of {actor.name!r} already names {other!r}")
        taken = set(owners)
        kept = []
        for a in self.actors.values():
            if a.name in seen:
                continue
            aliases = tuple(x for x in a.aliases if x not in taken)
            kept.append(a if len(aliases) == len(a.aliases) else Actor(a.name, a.kind, a.affiliation, a.code, aliases))
        return Registry(kept + [a for _, a in added])

    def body(self, state: str, kind: str) -> Actor | None:
        """A state's body by the end of its name: ``body("Kenya", "Foreign Ministry")`` -> the Kenyan Foreign
        Ministry, or None when the registry has none."""
        index = self.__dict__.get("_bodies")
        if index is None:
            index = self._bodies = {}
            for a in self.actors.values():
                if a.kind == "organisation" and a.affiliation:
                    for end in ("Foreign Ministry", "Defence Ministry", "Defense Ministry", "Government"):
                        if a.name.endswith(end):
                            index.setdefault((a.affiliation, end.replace("Defense", "Defence")), a)
        return index.get((state, kind))

    def __contains__(self, name: str) -> bool:
        return name in self.actors

    def __len__(self) -> int:
        return len(self.actors)

    def get(self, name: str) -> Actor | None:
        return self.actors.get(name)

    def lookup(self, alias: str) -> Actor | None:
        """The actor an alias names exactly as written (case-sensitive), or None."""
        return self._by_alias.get(alias)

    def code(self, name: str) -> str:
        actor = self.actors.get(name)
        return actor.code if actor else ""

    def roll_up(self, name: str, code: str = "") -> str:
        """The state a person or body belongs to (``--by affiliation``). A name the registry lacks stays as it is,
        unless ``code`` is a state's: the finder gives "Argentine President Jane Doe" Argentina's code, so she rolls
        up to Argentina.

        >>> reg = Registry.from_rows([{"name": "Kenya", "kind": "state", "affiliation": "", "code": "KEN",
        ...                            "aliases": "Kenya"}])
        >>> reg.roll_up("Jane Doe", "KEN"), reg.roll_up("Jane Doe"), reg.roll_up("Kenya")
        ('Kenya', 'Jane Doe', 'Kenya')
        """
        actor = self.actors.get(name)
        if actor is not None:
            return actor.side
        if code:
            states = self.__dict__.get("_states")
            if states is None:
                states = self._states = {a.code: a.name for a in self.actors.values() if a.kind == "state"}
            return states.get(code, name)
        return name

    def mentions(self, text: str) -> list[Mention]:
        """Registry actors named in ``text``, in order; longest alias wins. A curly apostrophe matches a straight one
        ("Iran’s foreign ministry" is the alias "Iran's foreign ministry"); each mention keeps the text as written."""
        written = text
        if "’" in text:
            text = text.replace("’", "'")  # one character for one: every offset stays
        out, end, index, size, by_alias = [], 0, self._index, len(text), self._by_alias
        for m in self._scan.finditer(text):
            found = index.get(m.group(0))
            if found is None:
                continue
            start = m.start()
            if start < end:
                continue
            if type(found) is str:
                stop = start + len(found)
                if not text.startswith(found, start) or stop < size and _WORD_CHAR.match(text, stop):
                    continue
                alias = found
            else:
                if type(found) is list:
                    found = index[m.group(0)] = alias_index(found, len(m.group(0)))
                stop = longest_alias(found, text, start, m.end())
                if stop < 0:
                    continue
                alias = text[start:stop]
            out.append(Mention(start, stop, by_alias[alias], written[start:stop]))
            end = stop
        return out
