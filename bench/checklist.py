"""A CheckList-style behavioural suite (Ribeiro et al. 2020) for a stance model: minimum-functionality templates per
stance in wire style, invariance to the actors named (from every continent) and directional checks (negation).

    .venv/bin/python bench/checklist.py [--model models/stance]

Prints per-template accuracy, the invariance rate and the worst templates, then one JSON line. The goals (issue 13)
are minimum functionality >= 0.95 and invariance >= 0.98; this script reports, it does not assert.
"""

from __future__ import annotations

import argparse
import json
import sys

# (name, template, the stance it must get, or "not:<stance>" for a directional check)
TEMPLATES = [
    ("condemn: missile test", "{X} condemned {Y}'s missile test.", "condemn"),
    ("condemn: strongly, attack", "{X} strongly condemned the attack on {Y}.", "condemn"),
    ("condemn: denounced", "{X} denounced {Y}'s decision to expel its diplomats.", "condemn"),
    ("support: thanked", "{X} thanked {Y} for its support.", "support"),
    ("support: welcomed", "{X} welcomed {Y}'s decision to release the prisoners.", "support"),
    ("support: praised", "{X} praised {Y} for its efforts to end the war.", "support"),
    ("hedge: stopped short", "{X} stopped short of condemning {Y}.", "hedge"),
    ("hedge: declined to condemn", "{X} declined to condemn {Y}'s missile test.", "hedge"),
    ("hedge: offered to mediate", "{X} offered to mediate between {Y} and {Z}.", "hedge"),  # the codebook: hedge
    ("none: held talks", "{X} and {Y} held talks.", "none"),
    ("none: visit", "The foreign minister of {X} will visit {Y} next week.", "none"),
    ("negation: did not condemn", "{X} did not condemn {Y}'s missile test.", "not:condemn"),
    ("negation: refused to condemn", "{X} refused to condemn {Y}.", "not:condemn"),
]
ACTORS = ["Japan", "Kenya", "Brazil", "Germany", "Australia", "Egypt", "India", "Mexico", "Nigeria", "France",
          "Indonesia", "Canada", "Iran", "Russia", "the United States", "China"]


def spread(template: str, n: int = 12):
    """Fillings spread over the actor list: actor i as X, actor i+5 as Y, i+11 as Z."""
    names = [k for k in ("X", "Y", "Z") if "{" + k + "}" in template]
    out = []
    for i in range(n):
        combo = [ACTORS[(i + 5 * j) % len(ACTORS)] for j in range(len(names))]
        text = template.format(**dict(zip(names, combo)))
        out.append(text[0].upper() + text[1:])
    return out


def run(clf, n: int = 12) -> dict:
    rows, total_right, total, invariant, groups = [], 0, 0, 0, 0
    for name, template, want in TEMPLATES:
        texts = spread(template, n)
        labels = [p.label for p in clf.predict(texts)]
        right = [(lab != want[4:]) if want.startswith("not:") else (lab == want) for lab in labels]
        same = len(set(labels)) == 1
        rows.append({"template": name, "expects": want, "accuracy": round(sum(right) / len(right), 3),
                     "invariant": same, "predicted": dict(sorted({x: labels.count(x) for x in labels}.items()))})
        total_right += sum(right)
        total += len(right)
        invariant += same
        groups += 1
    mft = [r for r in rows if not r["expects"].startswith("not:")]
    directional = [r for r in rows if r["expects"].startswith("not:")]
    return {"bench": "checklist", "mft_accuracy": round(sum(r["accuracy"] for r in mft) / len(mft), 3),
            "directional_accuracy": round(sum(r["accuracy"] for r in directional) / len(directional), 3),
            "invariance": round(invariant / groups, 3), "templates": rows,
            "worst": [r["template"] for r in sorted(rows, key=lambda r: r["accuracy"])[:3]]}


def main() -> dict:
    from stance import StanceClassifier

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="models/stance")
    ap.add_argument("-n", type=int, default=12, help="fillings per template")
    args = ap.parse_args()
    result = run(StanceClassifier.load(args.model), args.n)
    print(f"{'template':28s} {'expects':12s} {'acc':>5s} {'invariant':>9s}  predicted")
    for r in result["templates"]:
        print(f"{r['template']:28s} {r['expects']:12s} {r['accuracy']:5.2f} {str(r['invariant']):>9s}  "
              f"{r['predicted']}")
    print(f"minimum functionality {result['mft_accuracy']:.3f} (goal 0.95), directional "
          f"{result['directional_accuracy']:.3f}, invariance {result['invariance']:.3f} (goal 0.98); worst: "
          + ", ".join(result["worst"]), file=sys.stderr)
    print(json.dumps({k: v for k, v in result.items() if k != "templates"}))
    return result


if __name__ == "__main__":
    main()
