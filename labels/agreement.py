"""Agreement between the first labels and an independent second pass: Cohen's kappa on the primary stance, and
holder agreement on sentences both passes gave a stance.

    python labels/agreement.py labels/newsmtsc.csv SECOND.csv primary_gid [--actors labels/actors.csv]
    python labels/agreement.py labels/seeds.csv SECOND.csv seed,sentence
    python labels/agreement.py FIRST.csv SECOND.csv doc,sentence --only wikinews:   # one pool of a mixed sample
    python labels/agreement.py labels/agreement/emergent_first.csv labels/agreement/emergent_second.csv id

Prints the figures and one line per disagreement (ids only) so they can be adjudicated.
"""

import csv
import sys
from collections import Counter


def primary(path, key):
    out = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            k = tuple(row[c] for c in key)
            out.setdefault(k, row)  # the first row of a sentence is its primary stance
    return out


def kappa(a, b):
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[c] * cb[c] for c in set(a) | set(b)) / (n * n)
    return observed, (observed - expected) / (1 - expected) if expected < 1 else 1.0


def aliases(path):
    out = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for alias in [row["name"], *row["aliases"].split("|")]:
                out.setdefault(alias, row["name"])
    return out


def main(first, second, key, actors="labels/actors.csv", only=""):
    key = key.split(",")
    a, b = primary(first, key), primary(second, key)
    common = sorted(c for c in set(a) & set(b) if c[0].startswith(only))
    canon = aliases(actors)
    name = lambda x: canon.get(x, x)  # noqa: E731
    sa = [a[k]["stance"] for k in common]
    sb = [b[k]["stance"] for k in common]
    observed, k = kappa(sa, sb)
    both = [c for c in common if a[c]["stance"] != "none" and b[c]["stance"] != "none"]
    holder = sum(name(a[c]["holder"]) == name(b[c]["holder"]) for c in both)
    print(f"sentences compared: {len(common)}")
    print(f"primary stance: raw agreement {observed:.3f}, Cohen's kappa {k:.3f}")
    labels = sorted(set(sa) | set(sb))
    print("confusion (rows first pass, columns second pass): " + " ".join(labels))
    for x in labels:
        print(f"  {x:8s} " + " ".join(f"{sum(1 for p, q in zip(sa, sb) if p == x and q == y):4d}" for y in labels))
    print(f"holder agreement where both passes found a stance: {holder}/{len(both)} = {holder / max(1, len(both)):.3f}")
    if both and "holder_code" in a[both[0]] and "holder_code" in b[both[0]]:  # readers' codes (labels/emergent.csv)
        for col in ("holder_code", "target_code"):
            same = sum(a[c][col] == b[c][col] for c in both)
            print(f"{col.replace('_', ' ')} agreement where both passes found a stance: {same}/{len(both)}"
                  f" = {same / len(both):.3f}")
    for c in common:
        if a[c]["stance"] != b[c]["stance"] or (c in both and name(a[c]["holder"]) != name(b[c]["holder"])):
            print("DISAGREE", "|".join(c), a[c]["stance"], a[c]["holder"], "|", b[c]["stance"], b[c]["holder"])


def _option(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


if __name__ == "__main__":
    values = {_option(o, None) for o in ("--actors", "--only")}
    args = [x for x in sys.argv[1:] if not x.startswith("--") and x not in values]
    main(*args[:3], actors=_option("--actors", "labels/actors.csv"), only=_option("--only", ""))
