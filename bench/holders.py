"""Holder and target accuracy of the rule-based finder against the project's labels, per source.

For every sentence whose primary label has a stance, the finder's holder (and target) is compared with the labelled
primary holder (and target); a sentence counts as right for the target when the labelled target is any of the
sentence's labelled targets for that holder. Seeds are read as whole documents (pronouns resolve across sentences);
NewsMTSC sentences stand alone.

    .venv/bin/python bench/holders.py [--datasets DIR]
"""

import json
import sys
from collections import defaultdict

from stance.actors import Finder, Registry
from stance.corpus import load_project


def main(datasets=None) -> dict:
    corpus = load_project(".", datasets)
    finder = Finder(Registry.load("labels/actors.csv"))
    rows = corpus.rows
    results = {}
    for source, part in rows.groupby("source", sort=True):
        order = list(dict.fromkeys(part["sid"]))
        text = {sid: t for sid, t in zip(part["sid"], part["text"])}
        if source == "seeds":
            found = {}
            for doc, sub in part.groupby("doc", sort=False):
                sids = list(dict.fromkeys(sub["sid"]))
                found.update(zip(sids, finder.find([text[s] for s in sids])))
        else:
            found = {sid: finder.find([text[sid]])[0] for sid in order}
        targets = defaultdict(set)
        for sid, h, t in zip(part["sid"], part["holder"], part["target"]):
            targets[(sid, h)].add(t)
        primary = part.drop_duplicates("sid")
        primary = primary[primary["stance"] != "none"]
        n = len(primary)
        holder_ok = sum(found[s].holder == h for s, h in zip(primary["sid"], primary["holder"]))
        target_ok = sum(found[s].target in targets[(s, h)] for s, h in zip(primary["sid"], primary["holder"]))
        both_ok = sum(found[s].holder == h and found[s].target in targets[(s, h)]
                      for s, h in zip(primary["sid"], primary["holder"]))
        results[source] = {"sentences": n, "holder_accuracy": round(holder_ok / n, 4),
                           "target_accuracy": round(target_ok / n, 4), "both": round(both_ok / n, 4)}
    print(f"{'source':10s} {'sentences':>9s} {'holder':>7s} {'target':>7s} {'both':>6s}")
    for source, r in results.items():
        print(f"{source:10s} {r['sentences']:9d} {r['holder_accuracy']:7.3f} {r['target_accuracy']:7.3f} {r['both']:6.3f}")
    print(json.dumps({"bench": "holders", **results}))
    return results


if __name__ == "__main__":
    main(sys.argv[sys.argv.index("--datasets") + 1] if "--datasets" in sys.argv else None)
