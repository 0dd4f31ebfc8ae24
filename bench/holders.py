"""Holder and target accuracy of the rule-based finder against the project's labels, per source and split.

For every sentence whose primary label has a stance, the finder's first attribution is compared with the labelled
primary holder (and target); a sentence counts as right for the target when the found target is any of the sentence's
labelled targets for that holder (the target column does not require the right holder; ``both`` does). ``pairs`` is
the share of all labelled (holder, target) rows with a stance that are among the sentence's attributions (several
stances in one sentence). ``named`` is the share of primary holders that a registry alias names in the sentence itself:
the most a finder reading sentences on their own can reach (the rest are "he said", "the official", a surname the
registry does not resolve). Seeds are read as whole documents (pronouns resolve across sentences); NewsMTSC sentences
stand alone.

Codes: ``h.code`` / ``t.code`` compare the registry codes of the found and labelled actors (a person of Iran counts
as IRN, a name the registry lacks stands for itself); ``h.c|named`` and ``t.c|named`` are the same where the sentence
itself names an actor with the labelled code (the goals: >= 0.90 and >= 0.80). World news (labels/wikinews.csv,
labels/whitehouse.csv) is read as whole documents from the dataset folder and split by ``stance.corpus.heldout``;
``--errors`` writes dev and seed errors only. ``templates`` scores tests/holder_templates.csv per template and continent.
``emergent`` rows score real news headlines of 2014-15 (labels/emergent.csv; coded by readers, including actors
the registry lacks; not training data, so not in ``all``) on a ``dev`` and a ``heldout`` half by story (claim).
``challenge`` scores tests/holder_challenge.csv (sentences a helper wrote blind to the finder, from the codebook and
registry codes) on its ``dev`` and ``test`` halves (by the sha1 of the id); ``--errors`` adds the dev half's misses.

NewsMTSC is split by a hash of the source article into ``dev`` (the half the rules were developed on) and ``heldout``
(the half nobody looks at: ``--errors`` never writes its sentences). Speed is CPU time, best of three, on the seed
sentences repeated 30 times: ``Finder.find_all`` and ``Registry.mentions``.

    .venv/bin/python bench/holders.py [--datasets DIR] [--errors FILE] [--no-voice]
"""

import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from stance.actors import Registry
from stance.holders import Attribution, Finder
from stance.corpus import (WORLD_FILES, datasets_dir, emergent_headlines, heldout, load_project, world_documents,
                           world_titles)
from stance.text import normalize, split_sentences

COUNTS = ("sentences", "holder", "target", "both", "named", "rows", "pairs", "hcode", "tcode", "bothcode",
          "hnamed", "hnamed_ok", "tnamed", "tnamed_ok")


def split_of(doc: str) -> str:
    """``dev`` or ``heldout`` for a NewsMTSC article id: a fixed hash, so one article is always on one side."""
    return "dev" if hashlib.sha256(doc.encode("utf-8")).digest()[0] % 2 == 0 else "heldout"


def _coder(part, registry: Registry):
    """name -> code of a labelled actor: the label's own ``holder_code``/``target_code`` where the table has them
    (Emergent: its readers coded actors the registry lacks), else the registry's (a name it does not know stands for
    itself)."""
    given = {}
    if "holder_code" in part:
        given = {n: c for col in ("holder", "target") for n, c in zip(part[col], part[f"{col}_code"]) if n and c}
    return lambda name: given.get(name) or registry.code(name) or name


def _counts(part, found, registry: Registry) -> dict:
    """Raw counts for one group of sentences (summed before dividing, so totals are exact)."""
    targets, rows, code = defaultdict(set), [], _coder(part, registry)
    for sid, h, t, s in zip(part["sid"], part["holder"], part["target"], part["stance"]):
        targets[(sid, h)].add(t)
        if s != "none":
            rows.append((sid, h, t))
    primary = part.drop_duplicates("sid")
    primary = primary[primary["stance"] != "none"]
    c = dict.fromkeys(COUNTS, 0)
    for sid, h, text in zip(primary["sid"], primary["holder"], primary["text"]):
        a = found[sid][0] if found[sid] else Attribution("", "", "", "")
        c["sentences"] += 1
        c["holder"] += a.holder == h
        c["target"] += a.target in targets[(sid, h)]
        c["both"] += a.holder == h and a.target in targets[(sid, h)]
        mentioned = registry.mentions(text)
        c["named"] += any(m.actor is not None and m.actor.name == h for m in mentioned)
        # codes: the registry code of the labelled actor (a name it does not know stands for itself)
        hc = code(h)
        tcs = {code(t) for t in targets[(sid, h)]}
        ok_h, ok_t = (a.holder_code or a.holder) == hc, (a.target_code or a.target) in tcs
        c["hcode"] += ok_h
        c["tcode"] += ok_t
        c["bothcode"] += ok_h and ok_t
        codes_here = {m.actor.code for m in mentioned if m.actor is not None}
        if hc in codes_here:  # the sentence names the holder (or an actor of its state)
            c["hnamed"] += 1
            c["hnamed_ok"] += ok_h
        if tcs & codes_here - {hc}:
            c["tnamed"] += 1
            c["tnamed_ok"] += ok_t
    c["rows"] = len(rows)
    c["pairs"] = sum(any(a.holder == h and a.target == t for a in found[s]) for s, h, t in rows)
    return c


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval (95%) of a proportion k/n: how far a figure on few sentences can be trusted."""
    if not n:
        return 0.0, 0.0
    p, d = k / n, 1 + z * z / n
    mid, half = (p + z * z / (2 * n)) / d, z * ((p * (1 - p) + z * z / (4 * n)) / n) ** 0.5 / d
    return round(mid - half, 3), round(mid + half, 3)


def _rates(c: dict) -> dict:
    n = c["sentences"] or 1
    return {"sentences": c["sentences"], "holder_accuracy": round(c["holder"] / n, 4),
            "target_accuracy": round(c["target"] / n, 4), "both": round(c["both"] / n, 4),
            "pairs": round(c["pairs"] / (c["rows"] or 1), 4), "holder_named": round(c["named"] / n, 4),
            "holder_code": round(c["hcode"] / n, 4), "target_code": round(c["tcode"] / n, 4),
            "both_code": round(c["bothcode"] / n, 4),
            "holder_code_named": round(c["hnamed_ok"] / (c["hnamed"] or 1), 4), "holder_named_n": c["hnamed"],
            "target_code_named": round(c["tnamed_ok"] / (c["tnamed"] or 1), 4), "target_named_n": c["tnamed"],
            "holder_code_named_ci": _wilson(c["hnamed_ok"], c["hnamed"]),
            "target_code_named_ci": _wilson(c["tnamed_ok"], c["tnamed"])}


def _errors(part, found, name: str, registry: Registry) -> list[str]:
    """One line per primary label the finder gets wrong: group, kind, id, whether it counts in a goal figure
    (``goal:h``: the sentence names the labelled holder's code and the found code is wrong, so it lowers h.c|named;
    ``goal:t`` the same for t.c|named; ``goal:-`` neither),
    expected, found (all attributions with their clause spans), sentence."""
    out, code = [], _coder(part, registry)
    for (sid, text), rows in part.groupby(["sid", "text"], sort=False):
        first = rows.iloc[0]
        if first["stance"] == "none":
            continue
        got = found[sid]
        top = got[0] if got else Attribution("", "", "", "")
        ok_h = top.holder == first["holder"]
        ok_t = top.target in set(rows["target"][rows["holder"] == first["holder"]])
        if ok_h and ok_t:
            continue
        labelled = {(h, t) for h, t, s in zip(rows["holder"], rows["target"], rows["stance"]) if s != "none"}
        found_s = " ; ".join(f"{a.holder} -> {a.target} [{a.start}:{a.end}]" for a in got) or "-"
        want = " ; ".join(f"{h} -> {t}" for h, t in sorted(labelled))
        codes_here = {m.actor.code for m in registry.mentions(text) if m.actor is not None}
        hc = code(first["holder"])
        tcs = {code(t) for t in rows["target"][rows["holder"] == first["holder"]]}
        goal = ("h" * (hc in codes_here and (top.holder_code or top.holder) != hc)
                + "t" * (bool(tcs & codes_here - {hc}) and (top.target_code or top.target) not in tcs)) or "-"
        out.append(f"{name}\t{'holder' if not ok_h else 'target'}\t{sid}\tgoal:{goal}\twant: {want}\tgot: {found_s}"
                   f"\t{text}")
    return out


def speed(finder: Finder, repeat: int = 30) -> tuple[int, int]:
    """Sentences per CPU second of ``find_all`` and of ``Registry.mentions`` on the seed sentences, repeated."""
    sentences = [s.text for p in sorted(Path("seeds").glob("*.txt"))
                 for s in split_sentences(p.read_text(encoding="utf-8"))] * repeat
    best_find = best_mentions = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        finder.find_all(sentences)
        t1 = time.process_time()
        for s in sentences:
            finder.registry.mentions(s)
        t2 = time.process_time()
        best_find, best_mentions = min(best_find, t1 - t0), min(best_mentions, t2 - t1)
    return round(len(sentences) / best_find), round(len(sentences) / best_mentions)


def _code_rates(by: dict[str, list[tuple[bool, bool]]]) -> dict:
    """Per group of (holder code right, target code right): n and the share right for holder, target and both."""
    return {k: {"n": len(v), "holder_code": round(sum(h for h, _ in v) / len(v), 4),
                "target_code": round(sum(t for _, t in v) / len(v), 4),
                "both": round(sum(h and t for h, t in v) / len(v), 4)} for k, v in by.items()}


def templates(finder: Finder, path: str = "tests/holder_templates.csv") -> dict:
    """The behavioural set: template sentences naming actors of every continent; the share whose first attribution
    has the expected holder code, target code, and both, per template and per continent."""
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    found = [finder.find_all([r["sentence"]])[0] for r in rows]
    by: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for r, got in zip(rows, found):
        a = got[0] if got else Attribution("", "", "", "")
        ok = (a.holder_code == r["holder_code"], a.target_code == r["target_code"])
        by["template: " + r["template"]].append(ok)
        by["continent: " + r["continent"]].append(ok)
        by["all"].append(ok)
    out = _code_rates(by)
    print(f"\n{'templates (tests/holder_templates.csv)':55s} {'n':>4s} {'holder':>7s} {'target':>7s} {'both':>6s}")
    for k, r in sorted(out.items(), key=lambda kv: (kv[0] == "all", kv[0].split(":")[0] == "continent")):
        print(f"{k[:55]:55s} {r['n']:4d} {r['holder_code']:7.3f} {r['target_code']:7.3f} {r['both']:6.3f}")
    return out


def emergent(datasets, registry: Registry, finder: Finder) -> tuple[list, dict]:
    """Emergent headlines (labels/emergent.csv, picked by labels/select_emergent.py; never training data): real news
    headlines of 2014-15, each read on its own after ``normalize``, with the readers' holder and target codes. Returns
    the (name, rows) groups by split and the finder's attributions; nothing when the labels or the dataset are missing.
    A reader's name is the registry's canonical name when the registry knows it as an alias."""
    import pandas as pd

    folder = datasets_dir(datasets) / "emergent"
    if not Path("labels/emergent.csv").exists() or not folder.is_dir():
        return [], {}
    labels = pd.read_csv("labels/emergent.csv", dtype=str, keep_default_na=False)
    picked = pd.read_csv("labels/emergent_selection.csv", dtype=str, keep_default_na=False)
    text = {i: normalize(h) for i, _, _, h in emergent_headlines(folder)}
    for col in ("holder", "target"):
        labels[col] = [(registry.lookup(n).name if n and registry.lookup(n) is not None else n) for n in labels[col]]
    labels = labels.rename(columns={"id": "sid"})
    labels["text"] = labels["sid"].map(text)
    labels["split"] = labels["sid"].map(dict(zip(picked["id"], picked["split"])))
    found = {sid: finder.find_all([t])[0] for sid, t in dict(zip(labels["sid"], labels["text"])).items()}
    side = labels["split"] == "heldout"
    return [("emergent-dev", labels[~side]), ("emergent-heldout", labels[side]), ("emergent", labels)], found


def challenge_half(key: str) -> str:
    """``dev`` or ``test`` for a challenge row, by the sha1 of its id (of its ``doc`` for a row of an article, so an
    article is never split): the rules may be developed on ``dev`` only."""
    return "dev" if int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 2 == 0 else "test"


def challenge(finder: Finder, path: str = "tests/holder_challenge.csv", errors: list | None = None) -> dict:
    """The blind challenge set: wire-style sentences and short articles helper sessions wrote from the codebook and
    the registry codes without seeing the finder, in batches; each stance sentence's first attribution against the
    expected holder and target codes, per half, batch, pattern and region. A row with a ``doc`` is a sentence of that
    article, read with the article's earlier sentences as context (as ``stance predict`` reads a file); a row without
    one stands alone. Each is normalised as ``stance predict`` normalises what it reads ("U. S ." is "U.S.").
    ``errors`` collects the ``dev`` half's misses (the ``test`` half's are never shown)."""
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    found: dict[str, list[Attribution]] = {}
    articles: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["doc"]:
            articles[r["doc"]].append(r)
        elif r["stance"] != "none":
            found[r["id"]] = finder.find_all([normalize(r["sentence"])])[0]
    for part in articles.values():
        found.update(zip((r["id"] for r in part), finder.find_all([normalize(r["sentence"]) for r in part])))
    by: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for r in rows:
        if r["stance"] == "none":
            continue
        got = found[r["id"]]
        a = got[0] if got else Attribution("", "", "", "")
        ok = (a.holder_code == r["holder_code"], a.target_code == r["target_code"])
        half = challenge_half(r["doc"] or r["id"])
        by[half].append(ok)
        by[f"{half} batch {r['batch']}"].append(ok)  # batch 2 was written after the rules of 2026-12-03 morning
        if r["doc"]:
            by[f"{half} batch {r['batch']} articles"].append(ok)
        by["all"].append(ok)
        if half == "dev":
            by["dev pattern: " + r["pattern"]].append(ok)
            by["dev region: " + r["region"]].append(ok)
            if errors is not None and not all(ok):
                errors.append(f"challenge-dev\t{r['id']}\t{r['pattern']}\twant: {r['holder_code']} -> "
                              f"{r['target_code']}\tgot: {a.holder} ({a.holder_code}) -> {a.target} ({a.target_code})"
                              f"\t{r['sentence']}")
    return _code_rates(by)


def _print_challenge(out: dict) -> None:
    print(f"\n{'challenge (tests/holder_challenge.csv, stance rows)':55s} {'n':>4s} {'holder':>7s} {'target':>7s} "
          f"{'both':>6s}")
    for k, r in sorted(out.items(), key=lambda kv: (kv[0] in ("dev", "test", "all"), kv[0])):
        print(f"{k[:55]:55s} {r['n']:4d} {r['holder_code']:7.3f} {r['target_code']:7.3f} {r['both']:6.3f}")


def main(datasets=None, errors=None, voice=True) -> dict:
    corpus = load_project(".", datasets)
    registry = Registry.load("labels/actors.csv")
    finder = Finder(registry)
    counts, lines = {}, []
    for source, part in corpus.rows.groupby("source", sort=True):
        text = {sid: t for sid, t in zip(part["sid"], part["text"])}
        found = {}
        if source == "seeds":
            for _, sub in part.groupby("doc", sort=False):
                sids = list(dict.fromkeys(sub["sid"]))
                found.update(zip(sids, finder.find_all([text[s] for s in sids])))
            groups = [("seeds", part)]  # in-sample: the rules were written reading them
        elif source in WORLD_FILES:
            # whole documents, read from the dataset folder: pronouns and earlier actors resolve across sentences
            docs = world_documents(datasets_dir(datasets), source)
            # a White House statement speaks as its issuer (from its title): "I", "we", "the leaders"
            titles = world_titles(datasets_dir(datasets)) if source == "whitehouse" and voice else {}
            for doc, sub in part.groupby("doc", sort=False):
                sentences = split_sentences(docs[doc])[: int(sub["index"].max()) + 1]
                v = finder.voice(titles[doc], "United States") if doc in titles else None
                for i, got in enumerate(finder.find_all([x.text for x in sentences], voice=v)):
                    found[f"{doc}#{i}"] = got
            side = part["doc"].map(heldout)
            groups = [(f"{source}-dev", part[~side]), (f"{source}-heldout", part[side]), (source, part)]
        else:
            for sid in dict.fromkeys(part["sid"]):
                found[sid] = finder.find_all([text[sid]])[0]
            side = part["doc"].map(split_of)
            groups = [(f"{source}-dev", part[side == "dev"]), (f"{source}-heldout", part[side == "heldout"]),
                      (source, part)]
        for name, sub in groups:
            counts[name] = _counts(sub, found, registry)
            if errors and (name.startswith("seeds") or name.endswith("-dev")):
                lines += _errors(sub, found, name, registry)
    groups, found = emergent(datasets, registry, finder)
    for name, sub in groups:
        counts[name] = _counts(sub, found, registry)
        if errors and name.endswith("-dev"):
            lines += _errors(sub, found, name, registry)
    results_challenge = challenge(finder, errors=lines if errors else None)
    if errors:
        Path(errors).write_text("\n".join(lines) + "\n", encoding="utf-8")
    totals = [c for name, c in counts.items() if "-" not in name and name != "emergent"]  # "all": the training labels
    world = [c for name, c in counts.items() if name in WORLD_FILES]
    if world:
        counts["world"] = {k: sum(c[k] for c in world) for k in COUNTS}
    counts["all"] = {k: sum(c[k] for c in totals) for k in COUNTS}
    results = {name: _rates(c) for name, c in counts.items()}
    per_second, mentions_per_second = speed(finder)
    print("seeds are in-sample (the rules were developed on them); world and NewsMTSC: tuned on -dev only; "
          "h.c|named, t.c|named: code accuracy where the sentence names the labelled actor (n, 95% Wilson interval)")
    print(f"{'source':18s} {'sentences':>9s} {'holder':>7s} {'target':>7s} {'both':>6s} {'pairs':>6s} {'named':>6s}"
          f" {'h.code':>7s} {'t.code':>7s} {'both.c':>7s} {'h.c|named':>27s} {'t.c|named':>27s}")
    for name, r in results.items():
        print(f"{name:18s} {r['sentences']:9d} {r['holder_accuracy']:7.3f} {r['target_accuracy']:7.3f} "
              f"{r['both']:6.3f} {r['pairs']:6.3f} {r['holder_named']:6.3f} {r['holder_code']:7.3f} "
              f"{r['target_code']:7.3f} {r['both_code']:7.3f} {r['holder_code_named']:7.3f} ({r['holder_named_n']:5d},"
              f" {r['holder_code_named_ci'][0]:.2f}-{r['holder_code_named_ci'][1]:.2f})"
              f" {r['target_code_named']:7.3f} ({r['target_named_n']:5d}, {r['target_code_named_ci'][0]:.2f}-"
              f"{r['target_code_named_ci'][1]:.2f})")
    print(f"speed (CPU, seed sentences x30): find_all {per_second} sentences/s, "
          f"Registry.mentions {mentions_per_second} sentences/s")
    results["templates"] = templates(finder)
    _print_challenge(results_challenge)
    results["challenge"] = results_challenge
    print(json.dumps({"bench": "holders", **results, "sentences_per_second": per_second,
                      "mentions_per_second": mentions_per_second}))
    return results


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[args.index("--datasets") + 1] if "--datasets" in args else None,
         args[args.index("--errors") + 1] if "--errors" in args else None, "--no-voice" not in args)
