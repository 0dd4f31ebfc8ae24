"""Who stands where: roll sentence results up into holder x target x stance cells, as running counts, optionally
per group (the document, a date bin, any column of the input table)."""

from __future__ import annotations

import datetime as _dt

from stance.actors import Registry

__all__ = ["Summary", "summarize", "Filter", "STANCES", "BINS", "date_bin", "bins_between"]

BINS = ("day", "week", "month", "year")
NO_DATE = "(no date)"


def _parse_date(value) -> _dt.date | None:
    """A date from an ISO 8601 string (``2022-02-24``, ``2022-02-24T10:00:00Z``), a datetime or a date; None when it
    is none of these."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return _dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return _dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def date_bin(value, bin: str = "month") -> str | None:
    """The bin ``value`` (a date) falls in, as a sortable label: ``2022-02-24`` (day), the Monday starting its ISO
    week (week), ``2022-02`` (month), ``2022`` (year); None when ``value`` is not a date.

    >>> date_bin("2022-02-24", "week"), date_bin("2022-02-24T09:00:00Z", "month"), date_bin("soon", "month")
    ('2022-02-21', '2022-02', None)
    """
    d = _parse_date(value)
    if d is None:
        return None
    if bin == "day":
        return d.isoformat()
    if bin == "week":
        return (d - _dt.timedelta(days=d.weekday())).isoformat()
    if bin == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if bin == "year":
        return f"{d.year:04d}"
    raise ValueError(f"unknown bin {bin!r} (expected one of {', '.join(BINS)})")


def bins_between(first: str, last: str, bin: str) -> list[str]:
    """Every bin label from ``first`` to ``last`` (labels of :func:`date_bin`), empty bins included.

    >>> bins_between("2021-11", "2022-02", "month")
    ['2021-11', '2021-12', '2022-01', '2022-02']
    """
    if bin == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    if bin == "month":
        (y, m), end, out = map(int, first.split("-")), tuple(map(int, last.split("-"))), []
        while (y, m) <= end:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    step = _dt.timedelta(days=7 if bin == "week" else 1)
    d, end, out = _dt.date.fromisoformat(first), _dt.date.fromisoformat(last), []
    while d <= end:
        out.append(d.isoformat())
        d += step
    return out

STANCES = ("support", "condemn", "hedge", "none")  # as stance.corpus.STANCES, without importing pandas at predict


class Filter:
    """Which records and actor stances to keep: ``holder`` / ``target`` match a canonical name or a code (codes and
    names case-insensitively; a state's code also matches its people and bodies, which carry it), ``stance`` the
    stance, ``min_confidence`` the sentence's confidence. An unset criterion keeps everything."""

    def __init__(self, holder: list[str] | None = None, target: list[str] | None = None,
                 stance: list[str] | None = None, min_confidence: float = 0.0):
        self.holder = {h.casefold() for h in holder or ()}
        self.target = {t.casefold() for t in target or ()}
        self.stance = set(stance or ())
        self.min_confidence = min_confidence

    @property
    def active(self) -> bool:
        return bool(self.holder or self.target or self.stance or self.min_confidence)

    def stance_ok(self, a) -> bool:
        return ((not self.holder or a.holder.casefold() in self.holder or a.holder_code.casefold() in self.holder)
                and (not self.target or a.target.casefold() in self.target or a.target_code.casefold() in self.target)
                and (not self.stance or a.stance in self.stance))

    def keep(self, rec) -> bool:
        if rec.confidence < self.min_confidence:
            return False
        if not (self.holder or self.target):
            return not self.stance or rec.label in self.stance or any(a.stance in self.stance for a in rec.stances)
        return any(self.stance_ok(a) for a in rec.stances)


class Summary:
    """Holder x target x stance cells over records (:class:`stance.records.SentenceStance`), kept as running counts:
    memory grows with the number of cells, not of sentences.

    Each cell has its count, mean confidence, ``weight`` (sum of confidences, for network tools) and the strongest
    example sentence. With a ``registry``, people and bodies are rolled up to the state they belong to (a person the
    registry lacks, by the state code the finder gave her: "Ghanaian President Jane Doe" -> Ghana). A sentence
    counts once for each actor stance it expresses; stances without a holder, and self-targets after roll-up (a
    minister toward the state, an actor toward itself), are left out.

    ``by`` names groups the cells are counted in, in order: ``document`` (the input), ``date`` (the bin, :data:`BINS`,
    of each record's ``date_column``; a record without a date goes to ``(no date)``, counted in ``undated``) or any
    other column of the input table (its value as a string). Each cell then carries those names as keys."""

    def __init__(self, registry: Registry | None = None, keep: Filter | None = None, by=(), date_column: str = "date",
                 bin: str = "month"):
        if bin not in BINS:
            raise ValueError(f"unknown bin {bin!r} (expected one of {', '.join(BINS)})")
        self.registry = registry
        self.keep = keep
        self.by, self.date_column, self.bin = list(by), date_column, bin
        self.undated = 0
        self.found: set[str] = set()  # the group columns some record has
        self._cells: dict[tuple, list] = {}
        self._groups: dict[tuple, None] = {}

    def _group(self, rec) -> tuple:
        out = []
        for name in self.by:
            if name == "document":
                out.append(rec.document)
            elif name == "date":
                label = date_bin(rec.columns.get(self.date_column), self.bin)
                self.undated += label is None
                out.append(label or NO_DATE)
            else:
                value = rec.columns.get(name)
                if value is not None:
                    self.found.add(name)
                out.append("" if value is None else str(value))
        return tuple(out)

    def add(self, rec) -> None:
        if rec.label == "none":
            return
        if self.keep is not None and rec.confidence < self.keep.min_confidence:
            return
        group = self._group(rec) if self.by else ()
        self._groups.setdefault(group)
        for a in rec.stances:
            if not a.holder or (self.keep is not None and not self.keep.stance_ok(a)):
                continue
            holder, target = a.holder, a.target or ""
            if self.registry is not None:
                holder = self.registry.roll_up(holder, a.holder_code)
                target = self.registry.roll_up(target, a.target_code) if target else ""
            if target and target == holder:
                continue
            cell = self._cells.get((group, holder, target, a.stance))
            if cell is None:
                self._cells[(group, holder, target, a.stance)] = [1, a.confidence, a.confidence, rec.text,
                                                                  rec.document, rec.index]
            else:
                cell[0] += 1
                cell[1] += a.confidence
                if a.confidence > cell[2]:
                    cell[2:] = [a.confidence, rec.text, rec.document, rec.index]

    def groups(self) -> list[tuple]:
        """The groups seen, in order: dates in time order (undated last), other values as first seen."""
        order = {g: i for i, g in enumerate(self._groups)}
        return sorted(self._groups, key=lambda g: tuple(
            ((v == NO_DATE, v) if name == "date" else (False, order[g])) for name, v in zip(self.by, g)))

    def cells(self) -> list[dict]:
        """The cells: group keys first (as :meth:`groups` orders them), then the most frequent first."""
        rank = {g: i for i, g in enumerate(self.groups())}
        out = [{**dict(zip(self.by, group)), "holder": holder, "target": target, "stance": stance, "count": n,
                "mean_confidence": round(total / n, 4), "weight": round(total, 4), "example": text,
                "example_file": document, "example_sentence": index, "_group": rank[group]}
               for (group, holder, target, stance), (n, total, _, text, document, index) in self._cells.items()]
        out.sort(key=lambda c: (c["_group"], -c["count"], -c["weight"], c["holder"], c["target"], c["stance"]))
        for c in out:
            del c["_group"]
        return out


def summarize(records, registry: Registry | None = None) -> list[dict]:
    """The cells of :class:`Summary` over ``records``."""
    summary = Summary(registry)
    for rec in records:
        summary.add(rec)
    return summary.cells()
