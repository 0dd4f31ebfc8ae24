"""Label counts by source and stance: each sentence's primary stance, and every label row.

    python3 labels/counts.py        # from the project root; reads labels/*.csv only (no dataset text)
"""

import csv
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
STANCES = ("condemn", "hedge", "none", "support")
SOURCES = {"seeds": ("seeds.csv", ("seed", "sentence")), "newsmtsc": ("newsmtsc.csv", ("primary_gid",)),
           "wikinews": ("wikinews.csv", ("doc", "sentence")), "whitehouse": ("whitehouse.csv", ("doc", "sentence"))}


def main() -> None:
    print(f"{'source':<11} {'sentences':>9} " + " ".join(f"{s:>8}" for s in STANCES) + "   rows: "
          + " ".join(f"{s:>8}" for s in STANCES))
    total_p, total_r, total_n = Counter(), Counter(), 0
    for source, (name, key) in SOURCES.items():
        path = HERE / name
        if not path.is_file():
            continue
        primary, rows = {}, Counter()
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                primary.setdefault(tuple(row[k] for k in key), row["stance"])
                rows[row["stance"]] += 1
        p = Counter(primary.values())
        total_p += p
        total_r += rows
        total_n += len(primary)
        print(f"{source:<11} {len(primary):>9} " + " ".join(f"{p[s]:>8}" for s in STANCES) + "         "
              + " ".join(f"{rows[s]:>8}" for s in STANCES))
    print(f"{'all':<11} {total_n:>9} " + " ".join(f"{total_p[s]:>8}" for s in STANCES) + "         "
          + " ".join(f"{total_r[s]:>8}" for s in STANCES))


if __name__ == "__main__":
    main()
