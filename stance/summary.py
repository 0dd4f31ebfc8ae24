"""Who stands where: roll sentence results up into holder x target x stance cells, as running counts."""

from __future__ import annotations

from stance.actors import Registry

__all__ = ["Summary", "summarize", "Filter", "STANCES"]

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
    minister toward the state, an actor toward itself), are left out."""

    def __init__(self, registry: Registry | None = None, keep: Filter | None = None):
        self.registry = registry
        self.keep = keep
        self._cells: dict[tuple[str, str, str], list] = {}

    def add(self, rec) -> None:
        if rec.label == "none":
            return
        if self.keep is not None and rec.confidence < self.keep.min_confidence:
            return
        for a in rec.stances:
            if not a.holder or (self.keep is not None and not self.keep.stance_ok(a)):
                continue
            holder, target = a.holder, a.target or ""
            if self.registry is not None:
                holder = self.registry.roll_up(holder, a.holder_code)
                target = self.registry.roll_up(target, a.target_code) if target else ""
            if target and target == holder:
                continue
            cell = self._cells.get((holder, target, a.stance))
            if cell is None:
                self._cells[(holder, target, a.stance)] = [1, a.confidence, a.confidence, rec.text, rec.document,
                                                           rec.index]
            else:
                cell[0] += 1
                cell[1] += a.confidence
                if a.confidence > cell[2]:
                    cell[2:] = [a.confidence, rec.text, rec.document, rec.index]

    def cells(self) -> list[dict]:
        out = [{"holder": holder, "target": target, "stance": stance, "count": n,
                "mean_confidence": round(total / n, 4), "weight": round(total, 4), "example": text,
                "example_file": document, "example_sentence": index}
               for (holder, target, stance), (n, total, _, text, document, index) in self._cells.items()]
        out.sort(key=lambda c: (-c["count"], -c["weight"], c["holder"], c["target"], c["stance"]))
        return out


def summarize(records, registry: Registry | None = None) -> list[dict]:
    """The cells of :class:`Summary` over ``records``."""
    summary = Summary(registry)
    for rec in records:
        summary.add(rec)
    return summary.cells()
