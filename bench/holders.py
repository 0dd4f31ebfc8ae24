"""Holder and target accuracy of the rule-based finder against the project's labels, per source and split.

For every sentence whose primary label has a stance, the finder's first attribution is compared with the labelled
primary holder (and target); a sentence counts as right for the target when the found target is any of the sentence's
labelled targets for that holder. ``pairs`` is the share of all labelled (holder, target) rows with a stance that are
among the sentence's attributions (several stances in one sentence). Seeds are read as whole documents (pronouns
resolve across sentences); NewsMTSC sentences stand alone.

NewsMTSC is split by a hash of the source article into ``dev`` (the half rules are developed on) and ``heldout`` (the
half nobody looks at: ``--errors`` never writes its sentences). ``speed`` is ``Finder.find_all`` in sentences per
second on the seed sentences (repeated 30 times, best of three).

    .venv/bin/python bench/holders.py [--datasets DIR] [--errors FILE]
"""

import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from stance.actors import Attribution, Finder, Registry
from stance.corpus import load_project
from stance.text import split_sentences


def split_of(doc: str) -> str:
    """``dev`` or ``heldout`` for a NewsMTSC article id: a fixed hash, so one article is always on one side."""
    return "dev" if hashlib.sha256(doc.encode("utf-8")).digest()[0] % 2 == 0 else "heldout"


def _score(part, found) -> dict:
    targets, pairs = defaultdict(set), []
    for sid, h, t, s in zip(part["sid"], part["holder"], part["target"], part["stance"]):
        targets[(sid, h)].add(t)
        if s != "none":
            pairs.append((sid, h, t))
    primary = part.drop_duplicates("sid")
    primary = primary[primary["stance"] != "none"]
    n = len(primary)
    first = {sid: (found[sid][0] if found[sid] else Attribution("", "", "", "")) for sid in primary["sid"]}
    holder_ok = sum(first[s].holder == h for s, h in zip(primary["sid"], primary["holder"]))
    target_ok = sum(first[s].target in targets[(s, h)] for s, h in zip(primary["sid"], primary["holder"]))
    both_ok = sum(first[s].holder == h and first[s].target in targets[(s, h)]
                  for s, h in zip(primary["sid"], primary["holder"]))
    pair_ok = sum(any(a.holder == h and a.target == t for a in found[s]) for s, h, t in pairs)
    return {"sentences": n, "holder_accuracy": round(holder_ok / n, 4) if n else 0.0,
            "target_accuracy": round(target_ok / n, 4) if n else 0.0, "both": round(both_ok / n, 4) if n else 0.0,
            "pairs": round(pair_ok / len(pairs), 4) if pairs else 0.0, "_counts": (n, holder_ok, target_ok, both_ok)}


def _errors(part, found, name: str) -> list[str]:
    """One line per primary label the finder gets wrong: split, id, expected, found (all attributions), sentence."""
    out = []
    for (sid, text), rows in part.groupby(["sid", "text"], sort=False):
        first = rows.iloc[0]
        if first["stance"] == "none":
            continue
        got = found[sid]
        labelled = {(h, t) for h, t, s in zip(rows["holder"], rows["target"], rows["stance"]) if s != "none"}
        top = got[0] if got else Attribution("", "", "", "")
        ok_h = top.holder == first["holder"]
        ok_t = top.target in set(rows["target"][rows["holder"] == first["holder"]])
        if ok_h and ok_t:
            continue
        kind = "holder" if not ok_h else "target"
        found_s = " ; ".join(f"{a.holder} -> {a.target} [{a.start}:{a.end}]" for a in got) or "-"
        want = " ; ".join(f"{h} -> {t}" for h, t in labelled)
        out.append(f"{name}\t{kind}\t{sid}\twant: {want}\tgot: {found_s}\t{text}")
    return out


def speed(finder: Finder, repeat: int = 30) -> float:
    """Sentences per second of ``find_all`` on the seed sentences, repeated (best of three runs)."""
    sentences = [s.text for p in sorted(Path("seeds").glob("*.txt"))
                 for s in split_sentences(p.read_text(encoding="utf-8"))] * repeat
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        finder.find_all(sentences)
        best = min(best, time.perf_counter() - t0)
    return round(len(sentences) / best)


def main(datasets=None, errors=None) -> dict:
    corpus = load_project(".", datasets)
    finder = Finder(Registry.load("labels/actors.csv"))
    rows = corpus.rows
    results, lines = {}, []
    for source, part in rows.groupby("source", sort=True):
        text = {sid: t for sid, t in zip(part["sid"], part["text"])}
        found = {}
        if source == "seeds":
            for doc, sub in part.groupby("doc", sort=False):
                sids = list(dict.fromkeys(sub["sid"]))
                found.update(zip(sids, finder.find_all([text[s] for s in sids])))
        else:
            for sid in dict.fromkeys(part["sid"]):
                found[sid] = finder.find_all([text[sid]])[0]
        if source == "seeds":
            groups = [("seeds", part)]
        else:
            side = part["doc"].map(split_of)
            groups = [(f"{source}-dev", part[side == "dev"]), (f"{source}-heldout", part[side == "heldout"]),
                      (source, part)]
        for name, sub in groups:
            results[name] = _score(sub, found)
            if errors and (name == "seeds" or name.endswith("-dev")):
                lines += _errors(sub, found, name)
    total = [sum(r["_counts"][i] for k, r in results.items() if k in ("seeds", "newsmtsc")) for i in range(4)]
    if total[0]:
        results["all"] = {"sentences": total[0], "holder_accuracy": round(total[1] / total[0], 4),
                          "target_accuracy": round(total[2] / total[0], 4), "both": round(total[3] / total[0], 4)}
    for r in results.values():
        r.pop("_counts", None)
    per_second = speed(finder)
    print(f"{'source':18s} {'sentences':>9s} {'holder':>7s} {'target':>7s} {'both':>6s} {'pairs':>6s}")
    for name, r in results.items():
        pairs = f"{r['pairs']:6.3f}" if "pairs" in r else f"{'':6s}"
        print(f"{name:18s} {r['sentences']:9d} {r['holder_accuracy']:7.3f} {r['target_accuracy']:7.3f} "
              f"{r['both']:6.3f} {pairs}")
    print(f"find_all speed: {per_second} sentences/s (seed sentences x30)")
    print(json.dumps({"bench": "holders", **results, "sentences_per_second": per_second}))
    if errors:
        Path(errors).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[args.index("--datasets") + 1] if "--datasets" in args else None,
         args[args.index("--errors") + 1] if "--errors" in args else None)
