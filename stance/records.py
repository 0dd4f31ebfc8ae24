"""The records the library returns and every renderer takes: one schema from ``predict`` to the CSV, the summary and
the HTML page.

A :class:`Prediction` is the stance of one text. A :class:`SentenceStance` is one sentence of a document (or one row of a
table) with where it is, its stance and every :class:`ActorStance` it expresses. :meth:`SentenceStance.to_dict` is the
JSON form ``stance predict`` writes; :meth:`SentenceStance.csv_rows` the flat form, one row per actor stance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["Prediction", "ActorStance", "SentenceStance", "CSV_COLUMNS"]

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
