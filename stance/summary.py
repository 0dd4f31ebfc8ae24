"""Who stands where: roll sentence results up into holder x target x stance cells."""

from __future__ import annotations

from collections import defaultdict

from stance.actors import Registry

__all__ = ["summarize"]


def summarize(records, registry: Registry | None = None) -> list[dict]:
    """Cells of (holder, target, stance) over result records (as ``stance predict`` emits them).

    Each cell has its count, mean confidence, ``weight`` (sum of confidences, for network tools) and the strongest
    example sentence. With a ``registry``, people and bodies are rolled up to the state they belong to.
    A sentence counts once for each actor stance it expresses (its ``stances``); sentences without a stance or
    without a holder are left out.
    """
    cells: dict[tuple[str, str, str], list[tuple[float, dict]]] = defaultdict(list)
    for rec in records:
        if rec.get("stance") in (None, "none"):
            continue
        stances = rec.get("stances")
        if stances is None:  # a record without the per-actor list: its primary stance
            stances = [rec] if rec.get("holder") else []
        for a in stances:
            if not a.get("holder"):
                continue
            holder, target = a["holder"], a.get("target") or ""
            if registry is not None:
                holder, target = registry.roll_up(holder), registry.roll_up(target) if target else ""
            cells[(holder, target, a["stance"])].append((a["confidence"], rec))
    out = []
    for (holder, target, stance), recs in cells.items():
        _, best = max(recs, key=lambda r: r[0])
        total = sum(c for c, _ in recs)
        out.append({"holder": holder, "target": target, "stance": stance, "count": len(recs),
                    "mean_confidence": round(total / len(recs), 4), "weight": round(total, 4),
                    "example": best["text"], "example_file": best.get("file", ""),
                    "example_sentence": best.get("sentence")})
    out.sort(key=lambda c: (-c["count"], -c["weight"], c["holder"], c["target"], c["stance"]))
    return out
