"""Who stands where: roll sentence results up into holder x target x stance cells."""

from __future__ import annotations

from collections import defaultdict

from stance.actors import Registry

__all__ = ["summarize"]


def summarize(records, registry: Registry | None = None) -> list[dict]:
    """Cells of (holder, target, stance) over result records (as ``stance predict`` emits them).

    Each cell has its count, mean confidence, ``weight`` (sum of confidences, for network tools) and the strongest
    example sentence. With a ``registry``, people and bodies are rolled up to the state they belong to.
    Sentences without a stance or without a holder are left out.
    """
    cells: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for rec in records:
        if rec.get("stance") in (None, "none") or not rec.get("holder"):
            continue
        holder, target = rec["holder"], rec.get("target") or ""
        if registry is not None:
            holder, target = registry.roll_up(holder), registry.roll_up(target) if target else ""
        cells[(holder, target, rec["stance"])].append(rec)
    out = []
    for (holder, target, stance), recs in cells.items():
        best = max(recs, key=lambda r: r["confidence"])
        total = sum(r["confidence"] for r in recs)
        out.append({"holder": holder, "target": target, "stance": stance, "count": len(recs),
                    "mean_confidence": round(total / len(recs), 4), "weight": round(total, 4),
                    "example": best["text"], "example_file": best.get("file", ""),
                    "example_sentence": best.get("sentence")})
    out.sort(key=lambda c: (-c["count"], -c["weight"], c["holder"], c["target"], c["stance"]))
    return out
