"""Merge the readers' Emergent headline files into the committed label tables (ids, names, codes, stances: no text).

    python labels/emergent_labels.py [IN]          (IN: the readers' folder, default /tmp/emg/out)

Reads the first-pass files IN/{a,b,c,d,e,f}_labels.csv that exist (readers a and b had half the packet each, c to f a
quarter each, started when a and b had not written anything by their deadline; a headline is taken from the first
of these files that has it) and IN/second_labels.csv
(an independent second reader's random sample), each with columns ``id,holder,holder_code,target,target_code,stance``,
and writes, in the order of labels/emergent_selection.csv and keeping each headline's rows in the reader's order (the
first row is the primary stance):

- labels/emergent.csv: the first pass;
- labels/agreement/emergent_second.csv: the second pass;
- labels/agreement/emergent_first.csv: the first-pass rows of exactly the headlines of the second pass.

A selected headline no first-pass file has is left out (and counted). It checks and reports (exit 1 if any): a row
outside the selection, a stance other than support/condemn/hedge/none, a ``none`` row that is not alone or has a
holder or target, a stance row without a holder and its code, a target without its code. Names stay as the readers wrote them (the codes are what is scored); problems are
fixed in the readers' files by reading the headline, never here by rule.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["id", "holder", "holder_code", "target", "target_code", "stance"]
STANCES = {"support", "condemn", "hedge", "none"}
FIRST = tuple(f"{r}_labels.csv" for r in "abcdef")


def read(path: Path) -> dict[str, list[dict]]:
    rows = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows[row["id"].strip()].append({c: (row.get(c) or "").strip() for c in COLUMNS})
    return rows


def problems(rows: dict[str, list[dict]], selected: list[str], name: str) -> list[str]:
    out = [f"{name}: {i}: not in the selection" for i in rows if i not in set(selected)]
    for i, group in rows.items():
        for r in group:
            if r["stance"] not in STANCES:
                out.append(f"{name}: {i}: stance {r['stance']!r}")
            elif r["stance"] == "none" and (len(group) > 1 or r["holder"] or r["target"]):
                out.append(f"{name}: {i}: a none row must be alone and empty")
            elif r["stance"] != "none" and not (r["holder"] and r["holder_code"]):
                out.append(f"{name}: {i}: a stance row needs a holder and its code")
            elif r["target"] and not r["target_code"]:
                out.append(f"{name}: {i}: a target needs its code")
    return out


def write(path: Path, rows: dict[str, list[dict]], order: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        w.writeheader()
        for i in order:
            w.writerows(rows[i])


def main(folder: str = "/tmp/emg/out") -> int:
    folder = Path(folder)
    with (HERE / "emergent_selection.csv").open(encoding="utf-8", newline="") as f:
        selected = [r["id"] for r in csv.DictReader(f)]
    first, errors = {}, []
    for name in FIRST:
        if (folder / name).exists():
            part = read(folder / name)
            errors += problems(part, selected, name)
            first.update((i, rows) for i, rows in part.items() if i not in first)
    missing = [i for i in selected if i not in first]  # not read yet: left out of the tables, counted below
    second = read(folder / "second_labels.csv")
    errors += problems(second, selected, "second_labels.csv")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    selected = [i for i in selected if i in first]
    write(HERE / "emergent.csv", first, selected)
    sample = [i for i in selected if i in second]
    write(HERE / "agreement" / "emergent_second.csv", second, sample)
    write(HERE / "agreement" / "emergent_first.csv", first, sample)
    n = sum(len(first[i]) for i in selected)
    stances = defaultdict(int)
    for i in selected:
        stances[first[i][0]["stance"]] += 1
    print(f"labels/emergent.csv: {len(selected)} headlines, {n} rows; primary "
          + ", ".join(f"{k} {v}" for k, v in sorted(stances.items()))
          + f"; second pass: {len(sample)} headlines; not read yet: {len(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
