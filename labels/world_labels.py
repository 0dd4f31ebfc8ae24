"""Merge the labellers' world-news files into the committed label tables (ids, offsets, names, stances: no text).

    python labels/world_labels.py [IN]        (IN: the labellers' folder, default /tmp/work/out)

Reads IN/{wikinews,whitehouse}_{1,2,3}_labels.csv and IN/second_labels.csv (columns doc,sentence,holder,target,stance),
maps every holder/target through labels/world_names.csv (label_name -> canonical registry name), joins the offsets of
labels/world_selection.csv and writes, with columns doc,sentence,start,end,holder,target,stance, sorted by
(doc, sentence) and keeping each sentence's rows in the labeller's order (the first row is the primary stance):

- labels/wikinews.csv, labels/whitehouse.csv: the first pass;
- labels/agreement/world_second.csv: the second pass (second_labels.csv);
- labels/agreement/world_first.csv: the first-pass rows of exactly the sentences of the second pass
  (IN/../packets/second_pass_ids.csv, else the sentences second_labels.csv covers).

It checks and reports (exit 1 if any): a selected sentence without rows, a row outside the selection, a stance other
than support/condemn/hedge/none, a `none` row that is not alone or has a holder/target, a name not in labels/actors.csv,
a sentence labelled in two first-pass files. Problems are fixed in the labellers' files by reading the sentence, never
here by rule.

The label files were first assembled by this script; later edits were made in them directly and are not reproduced
by a rerun: the adjudication of the double-labelled sample (``agreement/world_adjudication.csv``, the aides rule of
the codebook) and the hedge-rich White House batch (``whitehouse_4``, 400 sentences, appended with the same name map
and offsets). Rerunning it overwrites those edits: use it only to rebuild from a fresh set of readers' files.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
STANCES = {"support", "condemn", "hedge", "none"}
COLUMNS = ["doc", "sentence", "start", "end", "holder", "target", "stance"]
SOURCES = {"wikinews": "wikinews.csv", "whitehouse": "whitehouse.csv"}


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(f)]


def write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def sort_rows(rows: list[dict]) -> list[dict]:
    """By (doc, sentence); Python's sort is stable, so a sentence's rows keep their order."""
    return sorted(rows, key=lambda r: (r["doc"], int(r["sentence"])))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("inp", nargs="?", type=Path, default=Path("/tmp/work/out"), help="the labellers' folder")
    p.add_argument("--ids", type=Path, default=None, help="second-pass ids (default IN/../packets/second_pass_ids.csv)")
    args = p.parse_args(argv)

    names = {r["label_name"]: r["canonical"] for r in read(HERE / "world_names.csv")}
    registry = {r["name"] for r in read(HERE / "actors.csv")}
    selection = {(r["doc"], int(r["sentence"])): r for r in read(HERE / "world_selection.csv")}
    problems: list[str] = []

    def load(path: Path) -> list[dict]:
        out = []
        for i, r in enumerate(read(path), start=2):
            key = (r["doc"], int(r["sentence"]))
            where = f"{path.name}:{i} {r['doc']} #{r['sentence']}"
            sel = selection.get(key)
            if sel is None:
                problems.append(f"{where}: not in world_selection.csv")
                continue
            row = {"doc": r["doc"], "sentence": r["sentence"], "start": sel["start"], "end": sel["end"],
                   "holder": names.get(r["holder"], r["holder"]), "target": names.get(r["target"], r["target"]),
                   "stance": r["stance"]}
            if row["stance"] not in STANCES:
                problems.append(f"{where}: stance {row['stance']!r}")
            for k in ("holder", "target"):
                if row[k] and row[k] not in registry:
                    problems.append(f"{where}: {k} {row[k]!r} not in actors.csv")
            out.append(row)
        by_sentence = defaultdict(list)
        for r in out:
            by_sentence[(r["doc"], r["sentence"])].append(r)
        for (doc, s), rs in by_sentence.items():
            nones = [r for r in rs if r["stance"] == "none"]
            if nones and (len(rs) > 1 or rs[0]["holder"] or rs[0]["target"]):
                problems.append(f"{path.name} {doc} #{s}: a none row not alone or with holder/target")
            if any(r["stance"] != "none" and not r["holder"] for r in rs):
                problems.append(f"{path.name} {doc} #{s}: a stance without a holder")
        return out

    first: list[dict] = []
    seen: dict[tuple[str, str], str] = {}
    for source, out_name in SOURCES.items():
        rows = []
        for path in sorted(args.inp.glob(f"{source}_[0-9]*_labels.csv")):
            part = load(path)
            for key in dict.fromkeys((r["doc"], r["sentence"]) for r in part):
                if key in seen:
                    problems.append(f"{key[0]} #{key[1]}: labelled in {seen[key]} and {path.name}")
                seen[key] = path.name
            rows += part
        labelled = {(r["doc"], int(r["sentence"])) for r in rows}
        missing = [k for k, r in selection.items() if r["source"] == source and k not in labelled]
        problems += [f"{source}: {d} #{s}: selected but not labelled" for d, s in sorted(missing)]
        rows = sort_rows(rows)
        write(HERE / out_name, rows)
        first += rows
        print(f"{out_name}: {len(labelled)} sentences, {len(rows)} rows", file=sys.stderr)

    second = sort_rows(load(args.inp / "second_labels.csv"))
    ids_path = args.ids or args.inp.parent / "packets" / "second_pass_ids.csv"
    if ids_path.exists():
        ids = {(r["doc"], r["sentence"]) for r in read(ids_path)}
    else:
        ids = {(r["doc"], r["sentence"]) for r in second}
    covered = {(r["doc"], r["sentence"]) for r in second}
    problems += [f"second pass: {d} #{s}: in the ids but not labelled" for d, s in sorted(ids - covered)]
    problems += [f"second pass: {d} #{s}: labelled but not in the ids" for d, s in sorted(covered - ids)]
    write(HERE / "agreement" / "world_second.csv", second)
    write(HERE / "agreement" / "world_first.csv", [r for r in first if (r["doc"], r["sentence"]) in ids])
    print(f"agreement: {len(ids)} sentences, {len(second)} second-pass rows", file=sys.stderr)

    for line in problems:
        print("problem:", line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
