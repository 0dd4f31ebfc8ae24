"""Who stands where: roll sentence results up into holder x target x stance cells, as running counts."""

from __future__ import annotations

from stance.actors import Registry

__all__ = ["Summary", "summarize"]


class Summary:
    """Holder x target x stance cells over records (:class:`stance.records.SentenceStance`), kept as running counts:
    memory grows with the number of cells, not of sentences.

    Each cell has its count, mean confidence, ``weight`` (sum of confidences, for network tools) and the strongest
    example sentence. With a ``registry``, people and bodies are rolled up to the state they belong to. A sentence
    counts once for each actor stance it expresses; stances without a holder, and self-targets after roll-up (a
    minister toward the state, an actor toward itself), are left out."""

    def __init__(self, registry: Registry | None = None):
        self.registry = registry
        self._cells: dict[tuple[str, str, str], list] = {}

    def add(self, rec) -> None:
        if rec.label == "none":
            return
        for a in rec.stances:
            if not a.holder:
                continue
            holder, target = a.holder, a.target or ""
            if self.registry is not None:
                holder, target = self.registry.roll_up(holder), self.registry.roll_up(target) if target else ""
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
