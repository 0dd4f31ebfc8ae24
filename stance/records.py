"""The records the library returns and every renderer takes: one schema from ``predict`` to the CSV, the summary and
the HTML page.

A :class:`Prediction` is the stance of one text. A :class:`SentenceStance` is one sentence of a document (or one row of a
table) with where it is, its stance and every :class:`ActorStance` it expresses. :meth:`SentenceStance.to_dict` is the
JSON form ``stance predict`` writes; :meth:`SentenceStance.csv_rows` the flat form, one row per actor stance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["Prediction", "ActorStance", "SentenceStance", "CSV_COLUMNS", "from_scored_rows"]

# The CSV header, in order, for every kind of input (a table's own columns come first); probabilities follow
# ``confidence`` as ``p_<class>`` in the model's class order.
CSV_COLUMNS = ("file", "sentence", "start", "end", "paragraph", "text", "label", "confidence", "holder", "holder_code",
               "target", "target_code", "stance", "stance_confidence")


@dataclass(frozen=True)
class Prediction:
    """The stance of one text: ``label``, its probability ``confidence``, every class's probability in ``scores``, and
    the n-grams that pushed it most toward ``label`` and away from the runner-up (``explanation``: (n-gram, weight))."""

    label: str
    confidence: float
    scores: dict[str, float]
    explanation: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class ActorStance:
    """One actor's stance toward another, as a sentence (or a clause of it) expresses it. Codes are ISO 3166 alpha-3
    for states and their people and bodies, the registry's code for international bodies; empty when unknown."""

    holder: str
    holder_code: str
    target: str
    target_code: str
    stance: str
    confidence: float

    def to_dict(self) -> dict:
        return {"holder": self.holder, "holder_code": self.holder_code, "target": self.target,
                "target_code": self.target_code, "stance": self.stance, "confidence": round(self.confidence, 6)}


@dataclass(frozen=True)
class SentenceStance:
    """One sentence of a document, or one row of a table: where it is, what it says, who takes which stance toward whom.

    ``index`` counts sentences (rows) from 0 within ``document``; ``[start, end)`` are character offsets into the
    document as given (for a row, into the row's text); ``paragraph`` counts the document's paragraphs from 0.
    ``label`` is the sentence's stance; ``holder`` and ``target`` are its primary actor stance's, and ``stances``
    lists every actor stance it expresses (the primary first, with the sentence's label), as the labels do.
    ``columns`` holds a table row's other columns, exactly as read."""

    index: int
    start: int
    end: int
    text: str
    label: str
    confidence: float
    scores: dict[str, float]
    holder: str = ""
    holder_code: str = ""
    target: str = ""
    target_code: str = ""
    explanation: tuple[tuple[str, float], ...] = field(default=())
    stances: tuple[ActorStance, ...] = field(default=())
    document: str = ""
    paragraph: int = 0
    columns: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The record ``stance predict --format json/jsonl`` writes: a table row's columns first, then ``file``,
        ``sentence``, offsets, text, ``stance``, ``confidence``, ``p_<class>``, the primary holder and target, every
        actor stance, and the explanation when there is one."""
        d = {**self.columns, "file": self.document, "sentence": self.index, "start": self.start, "end": self.end,
             "paragraph": self.paragraph, "text": self.text, "stance": self.label,
             "confidence": round(self.confidence, 6),
             **{f"p_{c}": round(p, 6) for c, p in self.scores.items()},
             "holder": self.holder, "holder_code": self.holder_code, "target": self.target,
             "target_code": self.target_code, "stances": [a.to_dict() for a in self.stances]}
        if self.explanation:
            d["explanation"] = [[n, w] for n, w in self.explanation]
        return d

    def csv_rows(self, classes) -> list[dict]:
        """Flat rows for CSV, one per actor stance (one row with empty actors when there is none); cells are plain
        values. Keys: the table's columns, :data:`CSV_COLUMNS` and ``p_<class>`` for each of ``classes``."""
        base = {**self.columns, "file": self.document, "sentence": self.index, "start": self.start, "end": self.end,
                "paragraph": self.paragraph, "text": self.text, "label": self.label,
                "confidence": round(self.confidence, 6),
                **{f"p_{c}": round(self.scores.get(c, 0.0), 6) for c in classes}}
        stances = self.stances or (ActorStance("", "", "", "", self.label, self.confidence),)
        return [{**base, "holder": a.holder, "holder_code": a.holder_code, "target": a.target,
                 "target_code": a.target_code, "stance": a.stance, "stance_confidence": round(a.confidence, 6)}
                for a in stances]


_JSON_KEYS = frozenset({"file", "sentence", "start", "end", "paragraph", "text", "stance", "confidence", "holder",
                        "holder_code", "target", "target_code", "stances", "explanation"})


def _number(value, kind=float, default=0):
    try:
        return kind(value)
    except (TypeError, ValueError):
        return default


def _from_json(d: Mapping[str, Any]) -> SentenceStance:
    """A record back from the dict :meth:`SentenceStance.to_dict` wrote (``stance predict --format jsonl``)."""
    stances = tuple(ActorStance(str(a.get("holder") or ""), str(a.get("holder_code") or ""),
                                str(a.get("target") or ""), str(a.get("target_code") or ""),
                                str(a.get("stance") or ""), _number(a.get("confidence")))
                    for a in d.get("stances") or () if isinstance(a, Mapping))
    return SentenceStance(
        _number(d.get("sentence"), int), _number(d.get("start"), int), _number(d.get("end"), int),
        str(d.get("text") or ""), str(d.get("stance") or ""), _number(d.get("confidence")),
        {k[2:]: _number(v) for k, v in d.items() if k.startswith("p_")},
        str(d.get("holder") or ""), str(d.get("holder_code") or ""), str(d.get("target") or ""),
        str(d.get("target_code") or ""), stances=stances, document=str(d.get("file") or ""),
        paragraph=_number(d.get("paragraph"), int),
        columns={k: v for k, v in d.items() if k not in _JSON_KEYS and not k.startswith("p_")})


def _from_csv(rows: list[Mapping[str, Any]]) -> SentenceStance:
    """A record back from its rows of ``stance predict --format csv`` (one per actor stance)."""
    first = rows[0]
    stances = tuple(ActorStance(r.get("holder") or "", r.get("holder_code") or "", r.get("target") or "",
                                r.get("target_code") or "", r.get("stance") or "", _number(r.get("stance_confidence")))
                    for r in rows if r.get("holder"))
    head = stances[0] if stances else ActorStance("", "", "", "", "", 0.0)
    return SentenceStance(
        _number(first.get("sentence"), int), _number(first.get("start"), int), _number(first.get("end"), int),
        first.get("text") or "", first.get("label") or "", _number(first.get("confidence")),
        {k[2:]: _number(v) for k, v in first.items() if k.startswith("p_")},
        head.holder, head.holder_code, head.target, head.target_code, stances=stances,
        document=first.get("file") or "", paragraph=_number(first.get("paragraph"), int),
        columns={k: v for k, v in first.items() if k not in CSV_COLUMNS and not k.startswith("p_")})


SCORED_JSON = frozenset({"file", "sentence", "stance", "confidence", "stances"})
SCORED_CSV = frozenset({"file", "sentence", "label", "confidence", "holder", "stance", "stance_confidence"})


def from_scored_rows(rows):
    """Records back from the rows (dicts, in order) of a table ``stance predict`` wrote: JSONL (a row a record) or
    CSV (consecutive rows of one file and sentence make one record). A table's own columns come back as ``columns``."""
    group: list = []
    for row in rows:
        if "stances" in row:
            yield _from_json(row)
            continue
        if group and (row.get("file"), row.get("sentence")) != (group[0].get("file"), group[0].get("sentence")):
            yield _from_csv(group)
            group = []
        group.append(row)
    if group:
        yield _from_csv(group)
