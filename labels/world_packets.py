"""Write reading packets for labellers from ``labels/world_selection.csv`` (text read from the datasets; written outside
the repository, never committed).

    python labels/world_packets.py OUTDIR [--readers-wikinews 3] [--readers-whitehouse 1] [--second 150]

Each packet lists documents whole, a sentence a line as ``index<TAB>text`` (sentences to label; ``~`` before the index
marks context only). The second-pass packet holds a random sample (``random.Random(12)``) of ``--second`` sentences per
source, shown with their document around them, so the second reader labels blind to the first.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import defaultdict
from pathlib import Path

import pandas as pd

from stance.corpus import datasets_dir, world_doc_id
from stance.text import split_sentences

HERE = Path(__file__).resolve().parent


def documents(folder: Path) -> dict[str, tuple[str, str]]:
    """doc id -> (title, text) for both pools."""
    docs = {}
    for p in sorted((folder / "wikinews").glob("wikinews_*.csv")):
        for _, a in pd.read_csv(p, dtype=str, keep_default_na=False).iterrows():
            docs[world_doc_id("wikinews", a["url"])] = (a["title"], a["text"])
    with (folder / "whitehouse" / "statements.jsonl").open(encoding="utf-8") as f:
        for line in f:
            st = json.loads(line)
            docs[world_doc_id("whitehouse", st["id"])] = (st["title"], st["text"])
    return docs


def write_packet(path: Path, items: list[tuple[str, set[int]]], docs, sentences) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for doc, wanted in items:
            title, _ = docs[doc]
            f.write(f"=== DOC {doc}\n=== TITLE (context, not labelled): {title}\n")
            last = max(wanted)
            for s in sentences[doc]:
                if s.index > last + 2 and doc.startswith("whitehouse:"):
                    break
                mark = "" if s.index in wanted else "~"
                f.write(f"{mark}{s.index}\t{' '.join(s.text.split())}\n")
                n += s.index in wanted
            f.write("\n")
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--datasets", default=None)
    ap.add_argument("--readers-wikinews", type=int, default=3)
    ap.add_argument("--readers-whitehouse", type=int, default=1)
    ap.add_argument("--second", type=int, default=150)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    docs = documents(datasets_dir(args.datasets))
    wanted: dict[str, dict[str, set[int]]] = {"wikinews": defaultdict(set), "whitehouse": defaultdict(set)}
    with (HERE / "world_selection.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            wanted[row["source"]][row["doc"]].add(int(row["sentence"]))
    sentences = {doc: split_sentences(docs[doc][1]) for pool in wanted.values() for doc in pool}
    for source, readers in (("wikinews", args.readers_wikinews), ("whitehouse", args.readers_whitehouse)):
        items = sorted(wanted[source].items())
        total = sum(len(v) for _, v in items)
        chunk, start = [], 0
        for k in range(readers):
            goal, got, part = total * (k + 1) / readers, 0, []
            while items and (start + got < goal or not part):
                part.append(items.pop(0))
                got += len(part[-1][1])
            start += got
            n = write_packet(out / f"{source}_{k + 1}.txt", part, docs, sentences)
            print(f"{out / f'{source}_{k + 1}.txt'}: {len(part)} documents, {n} sentences")
    rng = random.Random(12)
    sample = []
    for source in ("wikinews", "whitehouse"):
        pool = sorted((doc, i) for doc, idx in wanted[source].items() for i in idx)
        sample += rng.sample(pool, args.second)
    by_doc: dict[str, set[int]] = defaultdict(set)
    for doc, i in sample:
        by_doc[doc].add(i)
    n = write_packet(out / "second_pass.txt", sorted(by_doc.items()), docs, sentences)
    with (out / "second_pass_ids.csv").open("w", encoding="utf-8") as f:
        f.write("doc,sentence\n" + "".join(f'"{d}",{i}\n' for d, i in sorted(sample)))
    print(f"{out / 'second_pass.txt'}: {len(by_doc)} documents, {n} sentences")


if __name__ == "__main__":
    main()
