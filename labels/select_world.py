"""Pick the world-news documents to label, by topic alone (never by the expected label), deterministically.

Wikinews (``wikinews/wikinews_*.csv``): every sentence of each article that names at least two distinct states or
international bodies and uses at least one topic word of ``world_topics.txt``, and has at most ``--max-sentences`` sentences (long
features would spend the labelling budget on few stories); articles are taken in the order of the
sha1 of their url until there are at least ``--wikinews-articles`` articles and ``--wikinews-sentences`` sentences.

White House (``whitehouse/statements.jsonl``): statements that name at least one state other than the United States
or an international body, in the order of the sha1 of their id within each year, the same number from every year
(all of a year that has fewer), the first ``--lead`` sentences of each (the lead carries the statement's position).

White House, hedge-rich part: sentences past the lead of those statements, and any sentence of the other
statements on foreign affairs, that contain a hedge cue of
``stance/cues.csv`` or a phrase of ``select_cues.txt`` (cues choose what is read, never the label), in the order of
the sha1 of (doc, index), at most ``--cue-sentences``.

Writes ``labels/world_selection.csv``: ``source,doc,sentence,start,end,split`` (offsets from
``stance.text.split_sentences`` on the document's ``text``; no text). ``split`` is ``heldout`` for one document in five
by the sha1 of its id (never tuned on), else ``dev``.

    python labels/select_world.py            # from the project root, datasets in ../shared/datasets
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
from pathlib import Path

from stance.corpus import datasets_dir, world_doc_id
from stance.text import split_sentences

HERE = Path(__file__).resolve().parent


def sha(value: str) -> str:
    return hashlib.sha1(value.encode("utf-8")).hexdigest()


def split_of(doc: str) -> str:
    """``heldout`` for one document in five (by the sha1 of its id), else ``dev``."""
    return "heldout" if int(sha(doc)[:8], 16) % 5 == 0 else "dev"


def _names() -> list[str]:
    """Names of states and international bodies: pycountry's names plus the hand-made registry rows' state and body aliases."""
    import pycountry

    names = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(c, attr, None)
            if value and "," not in value:
                names.add(value)
    with (HERE / "actors_hand.csv").open(encoding="utf-8") as f:  # the hand-made rows: a fixed list, so the pick
        # does not move when the generated registry grows
        for row in csv.DictReader(f):
            if row["kind"] in ("state", "organisation") and (row["code"] or "").strip():
                names.update(a for a in row["aliases"].split("|") if len(a) > 3)
    return sorted(names)


def _pattern(words: list[str]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")


def _cues() -> list[str]:
    """Hedge cues: stance/cues.csv's hedge rows (as prefixes) and the phrases of select_cues.txt."""
    with (HERE.parent / "stance" / "cues.csv").open(encoding="utf-8") as f:
        words = [row["cue"] for row in csv.DictReader(f) if row["stance"] == "hedge"]
    lines = (HERE / "select_cues.txt").read_text(encoding="utf-8").splitlines()
    return words + [w.strip() for w in lines if w.strip() and not w.startswith("#")]


def _topics() -> list[str]:
    lines = (HERE / "world_topics.txt").read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default=None)
    ap.add_argument("--wikinews-articles", type=int, default=120)
    ap.add_argument("--wikinews-sentences", type=int, default=3000)
    ap.add_argument("--max-sentences", type=int, default=100)
    ap.add_argument("--statements", type=int, default=320)
    ap.add_argument("--lead", type=int, default=8)
    ap.add_argument("--cue-sentences", type=int, default=400)
    ap.add_argument("--out", default=str(HERE / "world_selection.csv"))
    args = ap.parse_args()
    import pandas as pd

    folder = datasets_dir(args.datasets)
    names, topics = _pattern(_names()), _pattern(_topics())
    rows = []

    articles = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False)
                          for p in sorted((folder / "wikinews").glob("wikinews_*.csv"))])
    picked = []
    for _, a in articles.iterrows():
        text = a["text"]
        if len(set(names.findall(text))) >= 2 and len(set(topics.findall(text.lower()))) >= 1:
            sentences = split_sentences(text)
            if len(sentences) <= args.max_sentences:
                picked.append((sha(a["url"]), world_doc_id("wikinews", a["url"]), sentences))
    n_articles = n_sentences = 0
    for _, doc, sentences in sorted(picked):
        if n_articles >= args.wikinews_articles and n_sentences >= args.wikinews_sentences:
            break
        for s in sentences:
            rows.append(("wikinews", doc, s.index, s.start, s.end, split_of(doc)))
            n_sentences += 1
        n_articles += 1

    by_year: dict[str, list] = {}
    with (folder / "whitehouse" / "statements.jsonl").open(encoding="utf-8") as f:
        for line in f:
            st = json.loads(line)
            found = set(names.findall(st["title"] + "\n" + st["text"])) - {"United States", "United States of America",
                                                                           "Washington", "the White House", "White House"}
            if found:
                by_year.setdefault(st["date"][:4], []).append((sha(st["id"]), world_doc_id("whitehouse", st["id"]),
                                                                st["text"]))
    years = sorted(by_year)
    share, taken = args.statements, []
    small = [y for y in years if len(by_year[y]) * len(years) < share]
    per_year = (share - sum(len(by_year[y]) for y in small)) // max(1, len(years) - len(small))
    for y in years:
        taken += sorted(by_year[y])[:per_year]
    cues = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(_cues(), key=len, reverse=True)) + ")")
    extra = []
    for _, doc, text in taken:
        sentences = split_sentences(text)
        for s in sentences[:args.lead]:
            rows.append(("whitehouse", doc, s.index, s.start, s.end, split_of(doc)))
        for s in sentences[args.lead:]:
            if cues.search(s.text.lower()):
                extra.append((sha(f"{doc}#{s.index}"), ("whitehouse", doc, s.index, s.start, s.end, split_of(doc))))
    chosen = {doc for _, doc, _ in taken}
    for y in years:  # and any sentence with a cue in the other statements on foreign affairs
        for _, doc, text in by_year[y]:
            if doc not in chosen:
                extra += [(sha(f"{doc}#{s.index}"), ("whitehouse", doc, s.index, s.start, s.end, split_of(doc)))
                          for s in split_sentences(text) if cues.search(s.text.lower())]
    rows += sorted(r for _, r in sorted(extra)[:args.cue_sentences])

    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "doc", "sentence", "start", "end", "split"])
        w.writerows(rows)
    for source in ("wikinews", "whitehouse"):
        mine = [r for r in rows if r[0] == source]
        print(f"{source}: {len({r[1] for r in mine})} documents, {len(mine)} sentences, "
              f"{sum(r[5] == 'heldout' for r in mine)} held out")


if __name__ == "__main__":
    main()
