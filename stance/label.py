"""Active learning in the terminal: a queue of the sentences the model is least sure of, one key per answer.

:func:`build_queue` scores inputs and orders their sentences (uncertainty: smallest margin between the two most
probable stances first; or random), leaving out near-duplicates (same normalised text, or word 3-shingle Jaccard
>= ``dup_threshold`` with a sentence already queued) so one story does not fill the queue. :class:`LabelFile` is the
answer file: one row per (sentence, holder, target, stance) in the label-table format of ``labels/GUIDELINES.md``
(``doc, sentence, start, end, holder, target, stance``) plus codes, the sentence's sha1, the labeller, a UTC ISO
timestamp and what the model proposed. Every answer is appended, flushed and fsynced; undo rewrites the file without
the last answer atomically (temporary file, fsync, rename), so the file is always a plain label table; a torn last
line (the process killed during a write) is cut off when the file is opened again. :class:`Session` runs the loop over
line-based keys (so it can be scripted and piped) and :class:`Retrainer` refits in a background thread.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import os
import random
import re
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, TextIO

from stance.files import fsync_folder

__all__ = ["Item", "build_queue", "rank", "LabelFile", "Session", "Retrainer", "LABEL_COLUMNS", "KEYS",
           "text_sha1", "uncertainty", "proposal_rows"]

LABEL_COLUMNS = ("doc", "sentence", "start", "end", "holder", "target", "stance", "holder_code", "target_code",
                 "sha1", "labeller", "labelled_at", "model_stance", "model_confidence")
KEYS = {"a": "accept", "s": "support", "c": "condemn", "h": "hedge", "n": "none", "o": "holder", "t": "target",
        "k": "skip", "u": "undo", "q": "quit", "?": "help"}
STANCE_KEYS = {"s": "support", "c": "condemn", "h": "hedge", "n": "none"}


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def uncertainty(scores: dict[str, float]) -> float:
    """1 - (p1 - p2): 1 when the two most probable stances tie, 0 when one has all the mass."""
    top = sorted(scores.values(), reverse=True) + [0.0, 0.0]
    return 1.0 - (top[0] - top[1])


@dataclass
class Item:
    """One sentence to label: its record (:class:`stance.records.SentenceStance`), the sentences around it, its
    uncertainty under the current model."""

    record: object
    before: str = ""
    after: str = ""
    score: float = 0.0

    @property
    def key(self) -> tuple[str, int, str]:
        r = self.record
        return (r.document, r.index, text_sha1(r.text))


_NORM = re.compile(r"[^\w]+")


def _norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def _shingles(text: str, n: int = 3) -> frozenset:
    words = _norm(text).split()
    if len(words) < n:
        return frozenset([" ".join(words)])
    return frozenset(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))


def _dedupe(items: list[Item], threshold: float) -> tuple[list[Item], int]:
    """Items (in order) without near-duplicates of an earlier one; and how many were left out."""
    seen_norm: set[str] = set()
    index: dict[str, list[int]] = {}
    kept_sh: list[frozenset] = []
    out, dropped = [], 0
    for it in items:
        norm = _norm(it.record.text)
        if not norm:
            dropped += 1
            continue
        if norm in seen_norm:
            dropped += 1
            continue
        sh = _shingles(it.record.text)
        hits = Counter(j for s in sh for j in index.get(s, ()))
        dup = any(n / len(sh | kept_sh[j]) >= threshold for j, n in hits.items())
        if dup:
            dropped += 1
            continue
        seen_norm.add(norm)
        for s in sh:
            index.setdefault(s, []).append(len(kept_sh))
        kept_sh.append(sh)
        out.append(it)
    return out, dropped


def rank(items: list[Item], strategy: str = "uncertainty", seed: int = 0) -> list[Item]:
    """``items`` ordered for asking: most uncertain first (ties: input order), or shuffled with ``seed``."""
    if strategy == "random":
        out = list(items)
        random.Random(seed).shuffle(out)
        return out
    if strategy != "uncertainty":
        raise ValueError(f"unknown strategy {strategy!r} (uncertainty or random)")
    return sorted(items, key=lambda it: -it.score)


def build_queue(records: Iterable, *, done: set | None = None, strategy: str = "uncertainty", seed: int = 0,
                dup_threshold: float = 0.6) -> tuple[list[Item], dict]:
    """The queue over scored records (in input order): each with the sentence before and after it in its document,
    near-duplicates and already labelled sentences (``done``: keys ``(doc, sentence, sha1)``) left out, ranked.
    Returns (items, counts) with counts of ``sentences``, ``labelled`` (already in the file), ``duplicates``."""
    done = done or set()
    records = list(records)
    items = []
    for i, r in enumerate(records):
        prev = records[i - 1] if i and records[i - 1].document == r.document else None
        nxt = records[i + 1] if i + 1 < len(records) and records[i + 1].document == r.document else None
        items.append(Item(r, prev.text if prev else "", nxt.text if nxt else "", uncertainty(r.scores)))
    fresh = [it for it in items if it.key not in done]
    ranked = rank(fresh, strategy, seed)
    kept, dropped = _dedupe(ranked, dup_threshold)
    return kept, {"sentences": len(items), "labelled": len(items) - len(fresh), "duplicates": dropped}


def proposal_rows(record, labeller: str = "", when: str = "") -> list[dict]:
    """The model's proposal for one record as label-table rows (:data:`LABEL_COLUMNS`): one row per actor stance, a
    single ``none`` row when it expresses none (or has no holder), as ``stance predict --format labels`` writes."""
    r = record
    base = {"doc": r.document, "sentence": r.index, "start": r.start, "end": r.end, "sha1": text_sha1(r.text),
            "labeller": labeller, "labelled_at": when, "model_stance": r.label,
            "model_confidence": f"{r.confidence:.4f}"}
    rows = [{**base, "holder": a.holder, "target": a.target, "holder_code": a.holder_code,
             "target_code": a.target_code, "stance": a.stance} for a in r.stances if a.holder and a.stance != "none"]
    return rows or [{**base, "holder": "", "target": "", "holder_code": "", "target_code": "", "stance": "none"}]


# --- the answer file -------------------------------------------------------------------------------------------------

class LabelFile:
    """The answers, a CSV with :data:`LABEL_COLUMNS`: appended row by row, always a valid table.

    Opening repairs a torn last line (a process killed while writing) by rewriting the file without it, atomically.
    ``done`` holds the keys ``(doc, sentence, sha1)`` of the sentences it labels; :meth:`undo` removes the rows of the
    last answer by an atomic rewrite (temporary file in the same folder, fsync, rename)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.repaired = 0
        self.rows: list[dict] = []
        if self.path.exists() and self.path.stat().st_size:
            raw = self.path.read_bytes()
            if not raw.endswith(b"\n"):
                cut = raw.rfind(b"\n") + 1
                self.repaired = len(raw) - cut
                self._rewrite_bytes(raw[:cut])
                raw = raw[:cut]
            reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
            missing = [c for c in ("doc", "sentence", "holder", "target", "stance") if c not in (reader.fieldnames or [])]
            if missing:
                from stance.errors import InputError

                raise InputError(f"{self.path}:1: not a label file from `stance label` (missing {', '.join(missing)})")
            self.header = list(reader.fieldnames)
            self.rows = [dict(r) for r in reader]
        else:
            self.header = list(LABEL_COLUMNS)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._rewrite_bytes(self._csv([]).encode("utf-8"))
        self._f = self.path.open("a", encoding="utf-8", newline="")

    @property
    def done(self) -> set:
        return {(r["doc"], int(r["sentence"]), r.get("sha1", "")) for r in self.rows}

    def _csv(self, rows: list[dict], header: bool = True) -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=self.header, lineterminator="\n", extrasaction="ignore")
        if header:
            w.writeheader()
        w.writerows(rows)
        return buf.getvalue()

    def _rewrite_bytes(self, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent or ".")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        fsync_folder(self.path.parent)

    def append(self, rows: list[dict]) -> None:
        """Write one answer's rows with one write, flush and fsync."""
        self._f.write(self._csv(rows, header=False))
        self._f.flush()
        os.fsync(self._f.fileno())
        self.rows.extend({k: str(r.get(k, "")) for k in self.header} for r in rows)

    def undo(self) -> list[dict]:
        """Remove the last answer (its rows share doc and sentence at the end of the file); returns them."""
        if not self.rows:
            return []
        last = (self.rows[-1]["doc"], self.rows[-1]["sentence"])
        n = len(self.rows)
        while n and (self.rows[n - 1]["doc"], self.rows[n - 1]["sentence"]) == last:
            n -= 1
        removed, self.rows = self.rows[n:], self.rows[:n]
        self._f.close()
        self._rewrite_bytes(self._csv(self.rows).encode("utf-8"))
        self._f = self.path.open("a", encoding="utf-8", newline="")
        return removed

    def close(self) -> None:
        self._f.close()


# --- background retraining -------------------------------------------------------------------------------------------

class Retrainer:
    """Refits a model in a background thread on base texts/labels (the project's) plus the user's answers (the
    user's label wins where both label the same text); :meth:`ready` hands over the new model once."""

    def __init__(self, clf, base: Callable[[], tuple[list[str], list[str]]]):
        self.clf, self._base, self._thread, self._new, self.error = clf, base, None, None, None
        self._base_data = None
        self.fits = 0

    @property
    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, user: list[tuple[str, str]]) -> bool:
        if self.busy:
            return False
        self._thread = threading.Thread(target=self._fit, args=(list(user),), daemon=True)
        self._thread.start()
        return True

    def _fit(self, user):
        try:
            from stance.model import StanceClassifier

            if self._base_data is None:
                self._base_data = self._base()
            mine = dict(user)
            texts = [t for t in self._base_data[0] if t not in mine] + list(mine)
            labels = [y for t, y in zip(*self._base_data) if t not in mine] + list(mine.values())
            t0 = time.perf_counter()
            new = StanceClassifier(**self.clf.params).fit(texts, labels)
            self._new = (new, len(texts), len(mine), time.perf_counter() - t0)
        except Exception as e:  # reported by the session; labelling goes on with the old model
            self.error = f"{type(e).__name__}: {e}"

    def ready(self):
        new, self._new = self._new, None
        return new

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


# --- the session -----------------------------------------------------------------------------------------------------

HELP = ("keys: a accept  s support  c condemn  h hedge  n none  o change holder  t change target  k skip  u undo  "
        "q quit  ? help  (one key, then Enter)")


@dataclass
class Draft:
    stance: str
    holder: str
    holder_code: str
    target: str
    target_code: str
    edited: bool = False


@dataclass
class Tally:
    labelled: int = 0
    skipped: int = 0
    undone: int = 0
    stances: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)

    def text(self) -> str:
        per = ", ".join(f"{s} {n}" for s, n in sorted(self.stances.items())) or "-"
        return (f"labelled {self.labelled} sentences ({per}); skipped {self.skipped}; undone {self.undone}; "
                f"{time.perf_counter() - self.started:.0f} s")


class Session:
    """The labelling loop: shows an item, reads a key (a line) from ``keys``, writes answers to ``out``.

    ``show`` is where items and prompts go, ``log`` where notes (retraining) go. ``registry`` checks typed actor
    names. ``retrain_every`` N answers starts a :class:`Retrainer` (given as ``retrainer``) and re-ranks what is left
    when it is done. ``batch`` stops after that many answers."""

    def __init__(self, items: list[Item], out: LabelFile, *, keys: TextIO, show: TextIO, log: Callable[[str], None],
                 registry=None, labeller: str = "", batch: int | None = None, retrain_every: int = 0,
                 retrainer: Retrainer | None = None, strategy: str = "uncertainty", seed: int = 0):
        self.queue, self.out, self.keys, self.show, self.log = list(items), out, keys, show, log
        self.registry, self.labeller, self.batch = registry, labeller, batch
        self.retrain_every, self.retrainer, self.strategy, self.seed = retrain_every, retrainer, strategy, seed
        self.tally = Tally()
        self.history: list[Item] = []  # answered this session, for undo
        self.texts: dict[tuple, str] = {}  # key -> text of every sentence answered this session
        self.since_retrain = 0

    # -- input/output
    def _p(self, text: str = "") -> None:
        from stance.cli import printable

        self.show.write("\n".join(printable(line) for line in text.split("\n")) + "\n")
        self.show.flush()

    def _read(self, prompt: str) -> str | None:
        self.show.write(prompt)
        self.show.flush()
        line = self.keys.readline()
        if not line:
            self.show.write("\n")
            return None
        if not (hasattr(self.keys, "isatty") and self.keys.isatty()):
            self.show.write(line.strip() + "\n")  # piped keys: echo them so the transcript reads like a session
        return line.strip()

    # -- one item
    def _actors(self, item: Item) -> list[tuple[str, str]]:
        """(name, code) of the actors the finder and the registry see in the sentence, in order, once each."""
        seen: dict[str, str] = {}
        r = item.record
        for a in r.stances:
            for name, code in ((a.holder, a.holder_code), (a.target, a.target_code)):
                if name:
                    seen.setdefault(name, code)
        if self.registry is not None:
            for m in self.registry.mentions(r.text):
                if m.actor is not None:
                    seen.setdefault(m.actor.name, m.actor.code)
        return list(seen.items())

    def _display(self, item: Item, draft: Draft, n: int) -> None:
        r = item.record
        left = len(self.queue)
        self._p("")
        self._p(f"[{n}] {r.document}:{r.index}  (uncertainty {item.score:.2f}; {left} left in the queue)")
        if item.before:
            self._p(f"    before: {item.before}")
        self._p(f"  > {r.text}")
        if item.after:
            self._p(f"    after:  {item.after}")
        probs = ", ".join(f"{c} {p:.2f}" for c, p in sorted(r.scores.items(), key=lambda kv: -kv[1]))
        who = f"{draft.holder or '-'} ({draft.holder_code or '-'}) -> {draft.target or '-'} ({draft.target_code or '-'})"
        self._p(f"  model: {r.label} {r.confidence:.2f} [{probs}]")
        self._p(f"  proposal: {draft.stance}  {who}" + ("  (edited)" if draft.edited else ""))
        for a in r.stances[1:]:
            self._p(f"    also: {a.holder} {a.stance} {a.target or '-'} ({a.confidence:.2f})")
        if r.explanation:
            self._p("  because: " + ", ".join(f"{w} (+{v:.2f})" for w, v in r.explanation))

    def _choose(self, item: Item, role: str) -> tuple[str, str] | None:
        """Ask for a holder or target: a number among the actors seen, a registry name, '-' for none, '' to cancel."""
        actors = self._actors(item)
        if actors:
            self._p(f"  {role}: " + "  ".join(f"{i}) {n} ({c or '-'})" for i, (n, c) in enumerate(actors, 1)))
        while True:
            ans = self._read(f"  {role} (number, registry name, - for none, Enter to cancel): ")
            if ans is None or ans == "":
                return None
            if ans == "-":
                return ("", "")
            if ans.isdigit() and 1 <= int(ans) <= len(actors):
                return actors[int(ans) - 1]
            if self.registry is not None and ans in self.registry:
                return (ans, self.registry.code(ans))
            if self.registry is None:
                return (ans, "")
            self._p(f"  unknown actor {ans!r}: give a number from the list or a name from the actor registry "
                    "(labels/actors.csv, `name` column)")

    def _rows(self, item: Item, draft: Draft, accept: bool) -> list[dict]:
        r = item.record
        base = {"doc": r.document, "sentence": r.index, "start": r.start, "end": r.end, "sha1": text_sha1(r.text),
                "labeller": self.labeller,
                "labelled_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                "model_stance": r.label, "model_confidence": f"{r.confidence:.4f}"}
        if draft.stance == "none":
            return [{**base, "holder": "", "target": "", "holder_code": "", "target_code": "", "stance": "none"}]
        rows = [{**base, "holder": draft.holder, "target": draft.target, "holder_code": draft.holder_code,
                 "target_code": draft.target_code, "stance": draft.stance}]
        if accept and not draft.edited:  # the model's further clauses come with an unedited accept
            for a in r.stances[1:]:
                if a.holder and (a.holder, a.target, a.stance) != (draft.holder, draft.target, draft.stance):
                    rows.append({**base, "holder": a.holder, "target": a.target, "holder_code": a.holder_code,
                                 "target_code": a.target_code, "stance": a.stance})
        return rows

    def _answer(self, item: Item, rows: list[dict]) -> None:
        self.out.append(rows)
        self.history.append(item)
        self.texts[item.key] = item.record.text
        self.tally.labelled += 1
        self.tally.stances[rows[0]["stance"]] += 1
        self.since_retrain += 1
        first = rows[0]
        self._p(f"  saved: {first['stance']} {first['holder'] or '-'} -> {first['target'] or '-'}"
                + (f" (+{len(rows) - 1} more)" if len(rows) > 1 else ""))

    def _undo(self) -> Item | None:
        if not self.history:
            self._p("  nothing to undo in this session")
            return None
        removed = self.out.undo()
        item = self.history.pop()
        self.texts.pop(item.key, None)
        self.tally.labelled -= 1
        self.tally.undone += 1
        if removed:
            self.tally.stances[removed[0]["stance"]] -= 1
            self.tally.stances += Counter()  # drop zero counts
        self._p(f"  undone: {item.record.document}:{item.record.index} is asked again")
        return item

    def _item(self, item: Item, n: int) -> str:
        """Ask about one item; returns what happened: answered, skipped, undo, quit."""
        r = item.record
        draft = Draft(r.label, r.holder, r.holder_code, r.target, r.target_code)
        self._display(item, draft, n)
        while True:
            key = self._read("  key [a s c h n o t k u q ?]: ")
            if key is None:
                return "quit"
            k = key.lower()
            if k not in KEYS:
                self._p(f"  unknown key {key!r}: expected one of a s c h n o t k u q (? for help)")
                continue
            if k == "?":
                self._p("  " + HELP)
            elif k == "q":
                return "quit"
            elif k == "k":
                self.tally.skipped += 1
                return "skipped"
            elif k == "u":
                return "undo"
            elif k in ("o", "t"):
                chosen = self._choose(item, "holder" if k == "o" else "target")
                if chosen is not None:
                    if k == "o":
                        draft.holder, draft.holder_code = chosen
                    else:
                        draft.target, draft.target_code = chosen
                    draft.edited = True
                    if draft.stance == "none" and draft.holder:
                        self._p("  the stance is still none: press s, c or h to give it one")
                self._display(item, draft, n)
            else:
                if k in STANCE_KEYS:
                    if STANCE_KEYS[k] != draft.stance:
                        draft.edited = True
                    draft.stance = STANCE_KEYS[k]
                if draft.stance != "none" and not draft.holder:
                    self._p(f"  a {draft.stance} answer needs a holder")
                    chosen = self._choose(item, "holder")
                    if chosen is None or not chosen[0]:
                        self._p("  not saved: no holder (press n for none, or choose a holder)")
                        continue
                    draft.holder, draft.holder_code = chosen
                    draft.edited = True
                self._answer(item, self._rows(item, draft, accept=(k == "a")))
                return "answered"

    # -- retraining
    def _maybe_retrain(self) -> None:
        rt = self.retrainer
        if rt is None or not self.retrain_every:
            return
        new = rt.ready()
        if new is not None:
            clf, n, mine, secs = new
            self._rerank(clf)
            self.log(f"stance: retrained on {n} sentences ({mine} of yours) in {secs:.1f} s; re-ranked the "
                     f"{len(self.queue)} sentences left")
        if rt.error:
            self.log(f"stance: warning: retraining failed ({rt.error}); going on with the current model")
            rt.error = None
        if self.since_retrain >= self.retrain_every and not rt.busy:
            self.since_retrain = 0
            if rt.start(self.user_labels()):
                self.log(f"stance: retraining in the background on the project labels + {len(self.user_labels())} "
                         "of yours")

    def user_labels(self) -> list[tuple[str, str]]:
        """(text, primary stance) of every sentence in the answer file whose text this session knows."""
        primary: dict[tuple, str] = {}
        for row in self.out.rows:
            key = (row["doc"], int(row["sentence"]), row.get("sha1", ""))
            primary.setdefault(key, row["stance"])
        return [(self.texts[k], s) for k, s in primary.items() if k in self.texts]

    def _rerank(self, clf) -> None:
        if not self.queue:
            return
        preds = clf.predict([it.record.text for it in self.queue])
        for it, p in zip(self.queue, preds):
            it.record = replace(it.record, label=p.label, confidence=p.confidence, scores=p.scores,
                                explanation=p.explanation)
            it.score = uncertainty(p.scores)
        self.queue = rank(self.queue, self.strategy, self.seed)

    # -- the loop
    def run(self) -> str:
        """Ask until the queue is empty, ``batch`` answers, quit or end of input; returns why it stopped."""
        n = 0
        pending: Item | None = None
        while True:
            self._maybe_retrain()
            if self.batch is not None and self.tally.labelled >= self.batch:
                return "batch"
            if pending is not None:
                item, pending = pending, None
            elif self.queue:
                item = self.queue.pop(0)
            else:
                return "done"
            n += 1
            what = self._item(item, n)
            if what == "quit":
                self.queue.insert(0, item)
                return "quit"
            if what == "undo":
                back = self._undo()
                self.queue.insert(0, item)
                if back is not None:
                    pending = back
