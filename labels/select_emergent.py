"""Pick the Emergent headlines to label for holder and target finding, by the actors they name (never by a label).

Emergent (``emergent/url-versions-2015-06-14-clean-{train,test}.csv``, see its ``SOURCE.md``) is real news of 2014-15
from many outlets: 2,595 headlines reporting 300 claims (the Islamic State, Boko Haram, North Korea, Ukraine, US
politics, and viral rumours). Its own labels (an outlet's stance toward a claim) are not used. A headline is picked
when ``labels/actors.csv`` names in it a state, an organisation or a person with a state, and it is not a copy of one
already picked (same text after collapsing spaces); at most ``--per-claim`` headlines of each claim are taken, in
the order of the sha1 of their ``articleId``, so that one viral story does not fill the set. The pick depends on
the registry of the day it was made (2026-12-03); the committed selection is the record.

Writes ``labels/emergent_selection.csv``: ``id,claim,file,split`` (``id`` is ``emergent:<articleId>``; no text).
``split`` is ``heldout`` for the claims whose sha1 is odd, else ``dev``: by claim, so two outlets' headlines of one
story are on one side. The held-out half is never tuned on (``bench/holders.py --errors`` never writes it).

    python labels/select_emergent.py                     # from the project root, datasets in ../shared/datasets
    python labels/select_emergent.py --packet DIR        # also write the readers' packets (text: outside the repo)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
from collections import defaultdict
from pathlib import Path

from stance.actors import Registry
from stance.corpus import datasets_dir, emergent_headlines

HERE = Path(__file__).resolve().parent


def sha(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8")).hexdigest()


def split_of(claim: str) -> str:
    """``heldout`` for a claim whose sha1 is odd, else ``dev``."""
    return "heldout" if int(sha(f"emergent-claim:{claim}")[:8], 16) % 2 else "dev"


def political(registry: Registry, text: str) -> bool:
    """Whether the registry names a state, an organisation or a person with a state in ``text``."""
    return any(m.actor is not None and (m.actor.kind != "person" or m.actor.affiliation)
               for m in registry.mentions(text))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", help="folder holding emergent/ (default: $STANCE_DATASETS or ../shared/datasets)")
    ap.add_argument("--per-claim", type=int, default=4)
    ap.add_argument("--packet", help="write DIR/all.tsv (id<TAB>headline) and DIR/second.tsv (a random sample)")
    ap.add_argument("--second", type=int, default=100, help="headlines in the second reader's sample")
    args = ap.parse_args()
    registry = Registry.load(HERE / "actors.csv")
    seen, by_claim = set(), defaultdict(list)
    for row in emergent_headlines(datasets_dir(args.datasets) / "emergent"):
        if row[3] and row[3] not in seen and political(registry, row[3]):
            seen.add(row[3])
            by_claim[row[1]].append(row)
    picked = []
    for claim in sorted(by_claim):
        picked += sorted(by_claim[claim], key=lambda r: sha(r[0]))[: args.per_claim]
    picked.sort(key=lambda r: sha(r[0]))  # readers see the stories mixed
    with (HERE / "emergent_selection.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "claim", "file", "split"])
        w.writerows((r[0], r[1], r[2], split_of(r[1])) for r in picked)
    held = sum(split_of(r[1]) == "heldout" for r in picked)
    print(f"emergent: {len(picked)} headlines of {len(by_claim)} claims ({held} held out)")
    if args.packet:
        out = Path(args.packet)
        out.mkdir(parents=True, exist_ok=True)
        lines = [f"{r[0]}\t{r[3]}\n" for r in picked]
        (out / "all.tsv").write_text("".join(lines), encoding="utf-8")
        sample = sorted(random.Random(12).sample(range(len(lines)), min(args.second, len(lines))))
        (out / "second.tsv").write_text("".join(lines[i] for i in sample), encoding="utf-8")
        print(f"packets: {out / 'all.tsv'} ({len(lines)}), {out / 'second.tsv'} ({len(sample)})")


if __name__ == "__main__":
    main()
