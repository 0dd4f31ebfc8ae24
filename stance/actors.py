"""The actor registry and finding who holds a stance toward whom in a sentence.

The registry (``labels/actors.csv``) maps the ways news names an actor (``Moscow``, ``the Kremlin``, ``Putin``) to one
canonical actor with a kind, an affiliation (the state a person or body belongs to) and a code (ISO 3166 alpha-3, or an
IGO-style code such as UN or NATO). Nothing about actors is hard-coded here: users extend the file.

>>> reg = Registry.from_rows([
...     {"name": "Russia", "kind": "state", "affiliation": "", "code": "RUS", "aliases": "Russia|Moscow"},
...     {"name": "Vladimir Putin", "kind": "person", "affiliation": "Russia", "code": "RUS", "aliases": "Putin"},
...     {"name": "Iran", "kind": "state", "affiliation": "", "code": "IRN", "aliases": "Iran|Tehran"},
... ])
>>> finder = Finder(reg)
>>> [(m.holder, m.target) for m in finder.find(["Putin said Moscow stands firmly with Tehran."])]
[('Vladimir Putin', 'Iran')]
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from stance.errors import InputError

__all__ = ["Actor", "Registry", "Finder", "Attribution"]

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


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor: Actor | None  # None: a name that is not in the registry
    text: str

    @property
    def name(self) -> str:
        return self.actor.name if self.actor else self.text


class Registry:
    """Canonical actors and the aliases that name them."""

    def __init__(self, actors: list[Actor]):
        self.actors = {a.name: a for a in actors}
        aliases = {alias: a for a in actors for alias in (a.name, *a.aliases)}
        self._by_alias = aliases
        words = sorted(aliases, key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, words)) + r")(?![\w])") if words else None

    @classmethod
    def from_rows(cls, rows, source: str = "<rows>", first_line: int = 2) -> Registry:
        actors, seen = [], set()
        rows = list(rows)
        for line, row in enumerate(rows, first_line):
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
            actors.append(Actor(name, kind, (row.get("affiliation") or "").strip(), (row.get("code") or "").strip(), aliases))
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

    def __contains__(self, name: str) -> bool:
        return name in self.actors

    def __len__(self) -> int:
        return len(self.actors)

    def get(self, name: str) -> Actor | None:
        return self.actors.get(name)

    def code(self, name: str) -> str:
        actor = self.actors.get(name)
        return actor.code if actor else ""

    def roll_up(self, name: str) -> str:
        """The state a person or body belongs to (``--by affiliation``); unknown names stay as they are."""
        actor = self.actors.get(name)
        return actor.side if actor else name

    def mentions(self, text: str) -> list[Mention]:
        """Registry actors named in ``text``, in order; longest alias wins."""
        if self._pattern is None:
            return []
        return [Mention(m.start(), m.end(), self._by_alias[m.group(0)], m.group(0)) for m in self._pattern.finditer(text)]


# --- holder and target finding --------------------------------------------------------------------------------------

_SPEECH = (
    r"said|says|say|told|tells|warned|warns|urged|urges|added|stated|stressed|noted|insisted|argued|claimed|declared|"
    r"announced|wrote|tweeted|quipped|asked|replied|responded|explained|emphasized|emphasised|highlighted|underscored|"
    r"accused|accuses|criticized|criticised|condemned|condemns|denounced|blamed|slammed|praised|thanked|welcomed|"
    r"rejected|dismissed|described|called|labelled|labeled|defended|endorsed|backed|supported|opposed|vowed|pledged|"
    r"declined|refused|offered|reiterated|expressed|mocked|attacked|questioned|suggested|acknowledged|admitted|"
    r"has said|has stressed|has stated|made it clear|hailed|lauded|applauded|commended|decried|reassured"
)
_AFTER_QUOTE = re.compile(r"[”\"],?\s*(?P<who>[^.,;“”\"]{1,60}?)\s+(?:" + _SPEECH + r")\b")
_BEFORE_VERB = re.compile(r"(?:\s+(?:has|have|had|also|publicly|again|repeatedly|reportedly|sharply|strongly|later|earlier|then|"
                          r"on \w+|(?:was|were) quick to|\w+ly))*\s+(?:" + _SPEECH + r")\b")
_ACCORDING = re.compile(r"\b(?:according to|said by|in the (?:view|words) of)\s+$", re.I)
_PRONOUN = re.compile(r"^\s*[“\"]?(?:He|She|They|It|His|Her|Their|Its)\b")
_TITLE = re.compile(r"\b(?:the )(minister|president|prime minister|foreign minister|spokesperson|spokesman|spokeswoman|"
                    r"leader|senator|governor|secretary|ayatollah|supreme leader|kremlin|ministry)\b", re.I)
_CAPITALISED = re.compile(r"\b(?:[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)(?:\s+(?:[A-Z][a-z]+|[A-Z]\.))+")


@dataclass(frozen=True)
class Attribution:
    """Who holds the stance of a sentence and whom it is about; names are canonical where the registry knows them."""

    holder: str
    holder_code: str
    target: str
    target_code: str


class Finder:
    """Rule-based holder and target finding over a document, sentence by sentence.

    Keeps the last actor mentioned so that "he", "the minister" or a quotation without a speaker resolve to it.
    """

    def __init__(self, registry: Registry):
        self.registry = registry

    def _unknown_mentions(self, text: str, known: list[Mention]) -> list[Mention]:
        """Capitalised multi-word names not in the registry ("Senator Jane Doe"), reported as written."""
        spans = [(m.start, m.end) for m in known]
        out = []
        for m in _CAPITALISED.finditer(text):
            if m.start() == 0 and m.group(0).split()[0] in {"The", "In", "A", "An", "But", "And", "For", "While", "Yet"}:
                continue
            if not any(a < m.end() and m.start() < b for a, b in spans):
                out.append(Mention(m.start(), m.end(), None, m.group(0)))
        return out

    def find_one(self, text: str, context: list[Mention] | None = None) -> list[Attribution]:
        """Holder(s) and target of one sentence, given the mentions of the sentences before it."""
        context = context if context is not None else []
        known = self.registry.mentions(text)
        mentions = sorted(known + self._unknown_mentions(text, known), key=lambda m: m.start)
        holder = self._holder(text, mentions, context)
        if holder is None:
            return []
        target = self._target(text, mentions, holder)
        return [self._attribution(holder, target)]

    def find(self, sentences: list[str]) -> list[Attribution]:
        """One attribution per sentence (empty names where none is found), resolving pronouns across sentences."""
        context: list[Mention] = []
        out = []
        for text in sentences:
            found = self.find_one(text, context)
            out.append(found[0] if found else Attribution("", "", "", ""))
            context.extend(self.registry.mentions(text))
        return out

    def _attribution(self, holder: Mention, target: Mention | None) -> Attribution:
        code = lambda m: m.actor.code if m is not None and m.actor else ""  # noqa: E731
        return Attribution(holder.name, code(holder), target.name if target else "", code(target))

    def _holder(self, text: str, mentions: list[Mention], context: list[Mention]) -> Mention | None:
        # 1. A quotation followed by its speaker: '"...," Putin told the delegation.'
        for m in _AFTER_QUOTE.finditer(text):
            who = text[m.start("who") : m.end("who")]
            inside = [x for x in mentions if m.start("who") <= x.start < m.end("who")]
            if inside:
                return inside[0]
            if re.fullmatch(r"(?:he|she|they)", who.strip(), re.I):
                return self._last_actor(context, person=who.strip().lower() in ("he", "she"))
        # 2. "according to X"
        for x in mentions:
            if _ACCORDING.search(text[: x.start]):
                return x
        # 3. "X said", "X has sharply criticized": the first mention directly followed by a verb of speech or judgement.
        for x in mentions:
            if _BEFORE_VERB.match(text, x.end) or _BEFORE_VERB.match(text, self._after_possessive_noun(text, x.end)):
                return x
        # 4. A sentence opening with a pronoun or a title refers back to the last matching actor.
        if _PRONOUN.match(text) or re.match(r"\s*The (?:minister|president|Kremlin)\b", text):
            word = re.match(r"\s*[“\"]?(\w+)", text).group(1).lower()
            return self._last_actor(context + mentions[:0], person=word in ("he", "she", "his", "her", "the"))
        # 5. Otherwise the sentence's subject: its first actor.
        known = [x for x in mentions if x.actor]
        return known[0] if known else (mentions[0] if mentions else None)

    @staticmethod
    def _after_possessive_noun(text: str, end: int) -> int:
        """Skip "'s foreign ministry" or "officials" after a mention, so "Iran's foreign ministry said" attributes to Iran."""
        m = re.match(r"(?:[’']s)?(?:\s+[a-z]+){0,2}?(?=\s+(?:" + _SPEECH + r")\b)", text[end:])
        return end + m.end() if m else end

    def _last_actor(self, context: list[Mention], person: bool) -> Mention | None:
        for x in reversed(context):
            if x.actor and (not person or x.actor.kind == "person"):
                return x
        return context[-1] if context else None

    def _target(self, text: str, mentions: list[Mention], holder: Mention) -> Mention | None:
        # Not the holder itself, nor the state it speaks for, nor (for a state) one of its own people.
        own = {holder.name, holder.actor.affiliation if holder.actor else ""}
        after = [x for x in mentions if x.start >= holder.end or x.start < holder.start]
        after.sort(key=lambda x: (x.start < holder.start, x.start))
        for x in after:
            if x.actor is not None and x.name not in own and x.actor.affiliation != holder.name:
                return x
        return None
