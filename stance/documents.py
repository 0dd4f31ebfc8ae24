"""Scoring inputs: documents (split into sentences) and tables (a row a unit), in input order, in one process or many.

Every result is a :class:`stance.records.SentenceStance`: a document's sentences with offsets into the text as given,
a table row with its other columns exactly as read, both with holder, target, codes and every actor stance.

A document is read as a stream of blocks of about 1 MB (:func:`stance.files.read_blocks`); the actor finder's memory
("he", "the minister", a quotation whose speaker is in the sentence before) runs within a block, so the output is the
same with one process or many. ``n_jobs > 1`` scores blocks (and chunks of table rows) in joblib worker processes with
a bounded number in flight, so memory stays flat and results come back in input order.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from stance.errors import InputError
from stance.files import read_blocks, read_rows
from stance.records import ActorStance, SentenceStance
from stance.text import Sentence, split_sentences, visible

__all__ = ["analyze_files", "analyze_blocks", "analyze_rows", "expand_inputs", "is_table", "is_scored",
           "read_scored", "row_document", "TABLE_SUFFIXES"]

TABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson")
ROWS_PER_TASK = 2048


def is_table(item: str) -> bool:
    """Whether an input is read as a CSV/JSONL table (by its extension) when a text column is given."""
    return item != "-" and Path(item).suffix.lower() in TABLE_SUFFIXES


def is_scored(item: str) -> bool:
    """Whether an input is a table ``stance predict`` wrote (``--format jsonl`` or ``csv``), by its first row."""
    from stance.records import SCORED_CSV, SCORED_JSON

    if not is_table(item) or not Path(item).is_file():
        return False
    try:
        _, row = next(read_rows(item, "text"), (0, {}))
    except InputError:
        return False
    return SCORED_JSON <= set(row) or SCORED_CSV <= set(row)


def read_scored(item: str, warn: Callable[[str], None] = lambda message: None) -> Iterator[SentenceStance]:
    """The records of a table ``stance predict`` wrote (:func:`is_scored`), as they were scored: nothing is scored
    again, and the table's own columns (a date, an outlet) come back on each record."""
    from stance.records import from_scored_rows

    yield from from_scored_rows(row for _, row in read_rows(item, "text", warn=warn))


def name_of(item: str) -> str:
    return "<stdin>" if item == "-" else str(item)


def expand_inputs(inputs: Iterable[str], pattern: str = "*.txt", warn: Callable[[str], None] = lambda m: None) -> list[str]:
    """Inputs with folders replaced by the files inside them that match ``pattern`` (recursively, sorted).

    ``pattern`` is relative to each folder: an absolute pattern or one that climbs out (``..``) is refused, as is a
    folder that cannot be read; a folder with no matching file is a warning."""
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        raise InputError(f"--glob {pattern!r}: the pattern must stay inside the folder (no absolute path, no '..')")
    out = []
    for item in inputs:
        p = Path(item)
        if item != "-" and p.is_dir():
            if not os.access(p, os.R_OK | os.X_OK):
                raise InputError(f"{p}: cannot read this folder (permission denied)")
            try:
                found = sorted(str(f) for f in p.rglob(pattern) if f.is_file())
            except (OSError, ValueError) as e:
                raise InputError(f"{p}: cannot list files matching {pattern!r}: {e}") from None
            if not found:
                warn(f"{p}: no {pattern} files in this folder")
            out.extend(found)
        else:
            out.append(item)
    return out


def _registry(clf):
    return getattr(clf, "registry", None)


def _finder(clf):
    from stance.holders import Finder

    registry = _registry(clf)
    return Finder(registry) if registry is not None else None


def _predict(clf, texts, targets, explain):
    return clf.predict(texts, targets if targets is not None and any(targets) else None, explain=explain)


def _score(clf, finder, texts, targets, explain, contexts, voice=None) -> list[tuple]:
    """(prediction, actor stances) for each text; ``contexts`` is one shared memory (a document's sentences) or None
    (table rows: each row on its own); ``voice`` who the inputs speak as (:class:`stance.holders.Voice`)."""
    texts = [visible(t) for t in texts]  # what the words say; records keep the text as the source holds it
    predictions = _predict(clf, texts, targets, explain)
    if finder is None:
        found = [[] for _ in texts]
    elif contexts is None:
        found = [finder.find_all([t], [], voice)[0] for t in texts]
    else:
        found = finder.find_all(texts, contexts, voice)
    # a sentence with several attributed clauses: each further clause is scored on its own words
    clauses = [(i, a) for i, atts in enumerate(found) if predictions[i].label != "none" for a in atts[1:]
               if 0 <= a.start < a.end <= len(texts[i])]
    clause_predictions = dict(zip(clauses, clf.predict([texts[i][a.start:a.end] for i, a in clauses]))) \
        if clauses else {}
    out = []
    for i, p in enumerate(predictions):
        stances: list[ActorStance] = []
        if p.label != "none" and found[i]:
            first = found[i][0]
            stances.append(ActorStance(first.holder, first.holder_code, first.target, first.target_code,
                                       p.label, p.confidence))
            for a in found[i][1:]:
                q = clause_predictions.get((i, a))
                if q is not None and q.label != "none":
                    stances.append(ActorStance(a.holder, a.holder_code, a.target, a.target_code, q.label,
                                               q.confidence))
        out.append((p, tuple(stances)))
    return out


def _record(index, start, end, text, p, stances, document, paragraph, columns=None) -> SentenceStance:
    head = stances[0] if stances else None
    return SentenceStance(index, start, end, text, p.label, p.confidence, p.scores,
                          *((head.holder, head.holder_code, head.target, head.target_code) if head else ("",) * 4),
                          explanation=p.explanation, stances=stances, document=document, paragraph=paragraph,
                          columns=columns if columns is not None else {})


def _block(clf, finder, offset: int, text: str, document: str, explain: int, batch: int = 512, voice=None
           ) -> list[SentenceStance]:
    """The sentences of one block, numbered from 0 (sentence and paragraph) within it."""
    sentences = split_sentences(text)
    context: list = []
    out: list[SentenceStance] = []
    paragraph, prev_end = 0, None
    for i in range(0, len(sentences), batch):
        chunk: list[Sentence] = sentences[i:i + batch]
        for s, (p, stances) in zip(chunk, _score(clf, finder, [s.text for s in chunk], None, explain, context,
                                                  voice)):
            if prev_end is not None and "\n" in text[prev_end - offset:s.start]:
                paragraph += 1
            prev_end = s.end + offset
            out.append(_record(s.index, s.start + offset, s.end + offset, s.text, p, stances, document, paragraph))
    return out


def analyze_blocks(clf, blocks: Iterable[tuple[int, str]], *, document: str = "", explain: int = 0, voice=None
                   ) -> Iterator[SentenceStance]:
    """The sentences of a document given as ``(offset, text)`` blocks (:func:`stance.files.read_blocks`), as they are
    scored: memory stays flat however long the document. Indices and paragraphs run on across blocks; offsets point
    into the whole document; the actor finder's memory runs within a block. ``voice``: who the document speaks as
    ("I", "we", "the leaders"; :class:`stance.holders.Voice`)."""
    finder = _finder(clf)
    count = _Count()
    for offset, text in blocks:
        yield from count.renumber(_block(clf, finder, offset, text, document, explain, voice=voice))


def analyze_rows(clf, texts: list[str], *, targets: list[str | None] | None = None, document: str = "",
                 columns: list[dict] | None = None, explain: int = 0, first: int = 0, voice=None
                 ) -> list[SentenceStance]:
    """One record per text, each scored as one unit (not split) with its own holder and target; ``columns`` are kept
    on each record as given, ``targets`` (a target-aware model's target per row) are passed to the model."""
    finder = _finder(clf)
    scored = _score(clf, finder, texts, targets, explain, None, voice)
    registry = _registry(clf)
    out = []
    for i, (text, (p, stances)) in enumerate(zip(texts, scored)):
        target = targets[i] if targets else None
        if target and p.label != "none":  # the row names what its stance is about: that is the target
            actor = registry.actors.get(target) if registry is not None else None
            code = actor.code if actor is not None else ""
            head = stances[0] if stances else ActorStance("", "", "", "", p.label, p.confidence)
            stances = (dataclasses.replace(head, target=target, target_code=code), *stances[1:])
        row = columns[i] if columns else None
        if row:
            row = {(f"row_{k}" if k in _RECORD_FIELDS else k): v for k, v in row.items()}
        out.append(_record(first + i, 0, len(text), text, p, stances, document, 0, row))
    return out


# a table's columns named like a record's fields are kept under "row_<name>"
_RECORD_FIELDS = frozenset({"file", "sentence", "start", "end", "paragraph", "text", "stance", "confidence", "holder",
                            "holder_code", "target", "target_code", "stances", "explanation", "label",
                            "stance_confidence"})


class _Count:
    """Sentence and paragraph numbers of one input across its blocks."""

    def __init__(self):
        self.sentences = 0
        self.paragraphs = 0

    def renumber(self, records: list[SentenceStance]) -> list[SentenceStance]:
        if self.sentences or self.paragraphs:
            records = [dataclasses.replace(r, index=r.index + self.sentences, paragraph=r.paragraph + self.paragraphs)
                       for r in records]
        if records:
            self.sentences = records[-1].index + 1
            self.paragraphs = records[-1].paragraph + 1
        return records


def _tasks(clf, inputs, text_column, warn, on_error, split: bool = False):
    """``(input number, kind, payload)`` units of work, in input order; reading errors go to ``on_error``. With
    ``split``, a table's rows are ``split`` units: each row's text is cut into sentences."""
    target_column = getattr(clf, "target_column_", None)
    for k, item in enumerate(inputs):
        try:
            if text_column and is_table(item):
                rows: list = []
                first = 0
                for number, row in read_rows(item, text_column, warn=warn):
                    rows.append(row)
                    if len(rows) == ROWS_PER_TASK:
                        yield k, "split" if split else "rows", (item, rows, text_column, target_column, first)
                        first += len(rows)
                        rows = []
                if rows:
                    yield k, "split" if split else "rows", (item, rows, text_column, target_column, first)
            else:
                for offset, text in read_blocks(item, warn=warn):
                    yield k, "block", (name_of(item), offset, text)
        except InputError as e:
            on_error(item, e)


def row_document(table: str, row: int) -> str:
    """The document name of a table row cut into sentences (``--split``): ``<table>#<row>``, rows counted from 0."""
    return f"{table}#{row}"


def _columns(row: dict, text_column: str) -> dict:
    """A row's other columns, those named like a record's fields kept under ``row_<name>``."""
    return {(f"row_{k}" if k in _RECORD_FIELDS else k): v for k, v in row.items() if k != text_column}


def _run(clf, kind: str, payload, explain: int, voice=None) -> list[SentenceStance]:
    if kind == "block":
        name, offset, text = payload
        return _block(clf, _finder(clf), offset, text, name, explain, voice=voice)
    item, rows, text_column, target_column, first = payload
    if kind == "split":  # each row a document of its own, its columns on every sentence
        finder = _finder(clf)
        return [dataclasses.replace(r, columns=_columns(row, text_column))
                for n, row in enumerate(rows, first)
                for r in _block(clf, finder, 0, row[text_column], row_document(item, n), explain, voice=voice)]
    texts = [row[text_column] for row in rows]
    targets = [row.get(target_column) for row in rows] if target_column else None
    columns = [{k: v for k, v in row.items() if k != text_column} for row in rows]
    return analyze_rows(clf, texts, targets=targets, document=item, columns=columns, explain=explain, voice=voice)


def _raise(item, error):
    raise error


def analyze_files(clf, inputs: Iterable[str], *, text_column: str | None = None, explain: int = 0, n_jobs: int = 1,
                  warn: Callable[[str], None] = lambda message: None,
                  on_error: Callable[[str, InputError], None] = _raise, split: bool = False, voice=None
                  ) -> Iterator[SentenceStance]:
    """Every record of every input, in input order: sentences of documents (``-`` is stdin), and with
    ``text_column`` the rows of CSV/JSONL tables. ``n_jobs`` worker processes score blocks and row chunks at once
    (joblib); the records are the same whatever ``n_jobs``. An input that cannot be read goes to ``on_error`` (by
    default it is raised) and the others are still scored; ``warn`` gets warnings (encoding fallbacks, skipped rows).
    With ``split``, a table row's text is cut into sentences, the row a document of its own (:func:`row_document`)
    whose columns every sentence carries. ``voice`` (:class:`stance.holders.Voice`): who every input speaks as ("I",
    "we", "the leaders").
    """
    inputs = list(inputs)
    tasks = _tasks(clf, inputs, text_column, warn, on_error, split)
    counts: dict[int, _Count] = {}
    if n_jobs == 1:
        results = ((k, kind, _run(clf, kind, payload, explain, voice)) for k, kind, payload in tasks)
    else:
        results = _parallel(clf, tasks, explain, n_jobs, voice=voice)
    for k, kind, records in results:
        count = counts.setdefault(k, _Count())
        if kind == "split":
            yield from records
        elif kind == "rows":
            records = [dataclasses.replace(r, index=r.index + count.sentences) for r in records]
            count.sentences += len(records)
            yield from records
        else:
            yield from count.renumber(records)


def _run_batch(clf, batch: list, explain: int, voice=None) -> list:
    """Several units of work in one worker call: one finder for them all."""
    return [(k, kind, _run(clf, kind, payload, explain, voice)) for k, kind, payload in batch]


def _batches(tasks, size: int):
    """Units of work grouped until they hold about ``size`` characters (or rows), so each worker call carries enough
    work to pay for shipping the model to it: a corpus of small articles is not sent a file at a time."""
    batch, held = [], 0
    for task in tasks:
        batch.append(task)
        held += len(task[2][2]) if task[1] == "block" else len(task[2][1]) * 100
        if held >= size:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def _parallel(clf, tasks, explain: int, n_jobs: int, batch_chars: int = 1 << 20, voice=None):
    """Tasks scored by ``n_jobs`` joblib worker processes, in batches of about ``batch_chars`` characters, in order,
    at most ``2 * n_jobs`` batches in flight (memory stays flat)."""
    import warnings

    from joblib import Parallel, delayed

    with warnings.catch_warnings(), Parallel(n_jobs=n_jobs, return_as="generator",
                                             pre_dispatch=f"{2 * n_jobs}") as parallel:
        # stopping early (Ctrl-C, a reader gone) cancels the batches in flight: that is the point, not a warning
        warnings.filterwarnings("ignore", message=".*(still being processed|executed +but not used)")
        for results in parallel(delayed(_run_batch)(clf, batch, explain, voice)
                                for batch in _batches(tasks, batch_chars)):
            yield from results


def table_columns(inputs: Iterable[str], text_column: str) -> list[str]:
    """The columns, other than ``text_column``, that the tables among ``inputs`` hold, in first-seen order: the CSV
    header of every CSV, the keys of every JSONL row (read once more, before scoring, so no column is dropped)."""
    import csv

    seen: dict[str, None] = {}
    for item in inputs:
        if not is_table(item) or not Path(item).is_file():
            continue
        try:
            if Path(item).suffix.lower() == ".csv":
                with open(item, encoding="utf-8", errors="replace", newline="") as f:
                    seen.update(dict.fromkeys(next(csv.reader(f), [])))
            else:
                for _, row in read_rows(item, text_column):
                    seen.update(dict.fromkeys(row))
        except (InputError, OSError, csv.Error):
            continue  # reported when the table itself is scored
    seen.pop(text_column, None)
    return list(seen)
