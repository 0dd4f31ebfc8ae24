"""Build ``labels/actors.csv``, the actor registry, from well-kept sources plus files a person reviews.

    python labels/build_actors.py [--datasets ../shared/datasets] [--check]

Sources, in the order they are merged (a later source adds aliases and fills empty fields; a curated row corrects):

1. ``labels/states.csv``: the canonical state names labellers use (name, ISO 3166 alpha-3 code, status), with
   demonym and capital overrides where the packages are wrong or silent.
2. ``pycountry`` (ISO 3166 names) and ``countryinfo`` (capitals, demonyms, alternative spellings): aliases of states.
3. Generated bodies for every UN member and observer state and Taiwan and Kosovo: "<Demonym> Foreign Ministry" and
   "<Demonym> Defence Ministry" (``states.csv`` may rename them, e.g. "U.S. State Department").
4. ``labels/actors_hand.csv``: the hand-made rows of the NewsMTSC and seed labels (every name kept: labels use them).
5. ``labels/actors_curated.csv``: additions and corrections (seats of power, parliaments, office holders after 2015,
   international bodies, armed groups). Columns ``name,kind,affiliation,code,cameo,roles,short,aliases,drop``.
6. The PETRARCH2 / Phoenix dictionaries (``<datasets>/phoenix/``, read here, never copied): the ``cameo`` code of
   states, international bodies, armed groups and leaders they know.

Then the alias audit (``audit``) runs, rules in ``labels/alias_rules.csv``, and removes what breaks a rule:
a bare common English word (``stance/words.txt``) or a bare first name is no alias unless the rules allow it; an alias
two actors share is kept only where a rule decides (an actor's own name beats another's alias), otherwise dropped from
both, so a surname two people share resolves only with a first name or title. It prints what it removed and the
counts by kind. Last, a name that opens with a short name written with "the" ("the UN") gets the form with "the" too
("the UN Security Council"), so the longer name wins where the sentence writes "the". ``--check`` builds in memory and exits 1 if ``labels/actors.csv`` differs (for CI).

Build-time dependencies: ``pip install -e '.[build]'`` (pycountry, countryinfo). The package never imports them.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COLUMNS = ["name", "kind", "affiliation", "code", "aliases", "cameo", "roles"]
KIND_ORDER = {"state": 0, "organisation": 1, "person": 2}
# Roles whose holder gets "<Demonym> <Title>" while in office (2025) and "<Title> <Surname>" always.
TITLES = {
    "president": "President", "prime minister": "Prime Minister", "chancellor": "Chancellor",
    "foreign minister": "Foreign Minister", "foreign secretary": "Foreign Secretary",
    "secretary of state": "Secretary of State", "defence minister": "Defence Minister",
    "defence secretary": "Defence Secretary", "defense secretary": "Defense Secretary",
    "vice president": "Vice President", "king": "King", "emir": "Emir", "crown prince": "Crown Prince",
    "supreme leader": "Supreme Leader", "secretary-general": "Secretary-General", "spokesperson": "spokesperson",
    "premier": "Premier", "chairman": "Chairman", "sultan": "Sultan", "general": "General",
    "national security adviser": "National Security Advisor",
}
# Title aliases that read as the office in any year ("Minister Lavrov"): only "<Title> <Surname>" forms are made.
DEFENCE_ALSO = {"Defence Minister": "Defense Minister", "Defence Secretary": "Defense Secretary",
                "National Security Advisor": "National Security Adviser"}


# --------------------------------------------------------------------------------------------- reading the sources

def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(
            (line for line in f if not line.startswith("#")))]


def split(cell: str) -> list[str]:
    return [a.strip() for a in cell.split("|") if a.strip()]


def fold(text: str) -> str:
    """ASCII spelling of a Latin-script name ("Erdoğan" -> "Erdogan", "Élysée" -> "Elysee")."""
    text = text.replace("ı", "i").replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def latin(text: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


def phoenix(folder: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Phoenix records by normalised name and synonym -> [(code, from, to)] in file order (YYYYMMDD, '' = open)."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for file in ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt"):
        names: list[str] = []
        codes: list[tuple[str, str, str]] = []

        def flush():
            for n in names:
                out.setdefault(n, codes)

        for raw in (folder / file).read_text(encoding="utf-8", errors="replace").splitlines():
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            found = [_dates(c) for c in re.findall(r"\[([^\]]+)\]", line)]
            head = re.sub(r"\[[^\]]*\]", "", line).strip()
            if raw[0] in " \t" and not head:
                codes.extend(found)
            elif line.startswith("+"):
                names.append(_key(head[1:]))
                codes.extend(found)
            else:
                flush()
                names, codes = [_key(head)], list(found)
        flush()
    return out


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("_", " ")).strip().upper()


def _date(d: str) -> str:
    d = d.strip()
    if len(d) == 6:  # YYMMDD, YY <= 30 means 20YY
        d = ("20" if int(d[:2]) <= 30 else "19") + d
    return d


def _dates(cell: str) -> tuple[str, str, str]:
    code, _, when = cell.strip().partition(" ")
    when = when.strip()
    if not when:
        return code, "", ""
    if when.startswith(">"):
        return code, _date(when[1:]), ""
    if when.startswith("<"):
        return code, "", _date(when[1:])
    start, _, end = when.partition("-")
    return code, _date(start), _date(end)


def cameo_of(records, names) -> str:
    """The Phoenix code in force last: the dated role that started latest, else the undated default."""
    for n in names:
        codes = [c for c in records.get(_key(n), []) if c[0] and not c[0].startswith("~") and c[0] != "---"]
        if codes:
            dated = [c for c in codes if c[1] or c[2]]
            if dated:
                return max(dated, key=lambda c: (c[1] or "0", c[2] or "99999999"))[0]
            return codes[-1][0]
    return ""


# --------------------------------------------------------------------------------------------- building

class Builder:
    def __init__(self, datasets: Path):
        self.rows: dict[str, dict] = {}
        self.priority: dict[tuple[str, str], int] = {}  # (actor, alias) -> 0 generated, 1 hand-made, 2 curated
        self.dropped: dict[str, set[str]] = defaultdict(set)
        self.phoenix = phoenix(datasets / "phoenix")
        self.states = {r["name"]: r for r in read_csv(HERE / "states.csv")}
        self.demonym: dict[str, str] = {}  # the first demonym: "<Demonym> Foreign Ministry"
        self.demonyms: dict[str, list[str]] = {}  # every form news uses ("Argentine", "Argentinian", "Argentinean")

    def add(self, name, kind, affiliation="", code="", aliases=(), cameo="", roles="", level=0):
        row = self.rows.get(name)
        if row is None:
            row = self.rows[name] = {"name": name, "kind": kind, "affiliation": affiliation, "code": code,
                                     "aliases": [], "cameo": cameo, "roles": roles}
        else:
            for k, v in (("kind", kind), ("affiliation", affiliation), ("code", code), ("cameo", cameo),
                         ("roles", roles)):
                if v and (level == 2 or not row[k]):
                    row[k] = "" if v == "-" else v  # a curated "-" clears a field
        for a in aliases:
            a = a.strip()
            if a and a not in row["aliases"]:
                row["aliases"].append(a)
            if a:
                self.priority[(name, a)] = max(level, self.priority.get((name, a), 0))
        return row

    # -- states
    def build_states(self):
        import pycountry
        from countryinfo import CountryInfo

        for name, st in self.states.items():
            code = st["code"]
            info = {}
            try:
                info = CountryInfo(code).info() or {}
            except Exception:  # noqa: BLE001 - the package raises its own errors for codes it lacks (XKX)
                pass
            iso = pycountry.countries.get(alpha_3=code)
            names = [name]
            if iso is not None:
                names += [getattr(iso, a, "") for a in ("name", "common_name", "official_name")]
            names += [info.get("name") or ""]
            names += [s for s in info.get("altSpellings") or [] if len(s) > 3 and "," not in s and latin(s)
                      and len(s.split()) <= 5]
            names = [n for n in dict.fromkeys(names) if n and "," not in n and "(" not in n]
            demonym = st["demonym"] or (info.get("demonym") or "").strip()
            capital = st["capital"] if st["capital"] else (info.get("capital") or "").strip()
            if st["capital"] == "-":
                capital = ""
            if st["demonym"] == "-":
                demonym = ""
            aliases = []
            for n in names:
                aliases += [n, fold(n)]
                if n.startswith(("Republic", "Kingdom", "State", "Federation", "Commonwealth", "Principality",
                                 "Sultanate", "Grand Duchy", "Islamic Republic", "People's Republic",
                                 "Democratic Republic", "Federal Republic", "Union", "United Republic")):
                    aliases.append("the " + n)
            if capital:
                aliases += [capital, fold(capital)]
            if demonym and st["status"] != "territory":  # "French government" is France's, not Réunion's
                forms = split(demonym)  # states.csv: "Argentine|Argentinian|Argentinean", the first for names
                self.demonym[name], self.demonyms[name] = forms[0], forms
                for d in forms:
                    aliases += [d] + [f"{d} {w}" for w in ("government", "officials", "authorities")]
            aliases += [f"{name}'s government", f"Government of {name}", f"government of {name}"]
            self.add(name, "state", "", code, aliases, cameo_of(self.phoenix, [name, *names]) or code)

    def build_bodies(self):
        for name, st in self.states.items():
            if st["status"] not in ("UN member", "UN observer", "partially recognised") or st["code"] == "VAT":
                continue
            dem = self.demonym.get(name)
            if not dem:
                continue
            code = st["code"]
            cameo = self.rows[name]["cameo"] if len(self.rows[name]["cameo"]) == 3 else code
            fm = st.get("foreign_ministry") or f"{dem} Foreign Ministry"
            dems = self.demonyms[name]
            self.add(fm, "organisation", name, code, [
                *(f for d in dems for f in (f"{d} Foreign Ministry", f"{d} foreign ministry",
                                             f"{d} Ministry of Foreign Affairs")),
                f"{name}'s foreign ministry", f"{name}'s Foreign Ministry", f"Foreign Ministry of {name}",
                f"Ministry of Foreign Affairs of {name}", f"{name} foreign ministry"], cameo + "GOV")
            dm = st.get("defence_ministry") or f"{dem} Defence Ministry"
            forms = []
            for word in ("Defence", "Defense"):
                forms += [f for d in dems for f in (f"{d} {word} Ministry", f"{d} {word.lower()} ministry",
                                                    f"{d} Ministry of {word}")]
                forms += [f"{name}'s {word.lower()} ministry", f"{name}'s {word} Ministry",
                          f"{word} Ministry of {name}", f"Ministry of {word} of {name}"]
            self.add(dm, "organisation", name, code, forms, cameo + "MIL")

    # -- hand-made and curated rows
    def build_hand(self):
        for r in read_csv(HERE / "actors_hand.csv"):
            self.add(r["name"], r["kind"], r["affiliation"], r["code"], split(r["aliases"]), level=1)

    def build_curated(self):
        for r in read_csv(HERE / "actors_curated.csv"):
            name, kind = r["name"], r["kind"]
            aff = r["affiliation"]
            code = r["code"] or (self.rows[aff]["code"] if aff in self.rows else "")
            aff_alias = "" if aff == "-" else aff
            if not code and name in self.rows:
                code = self.rows[name]["code"]
            aliases = split(r["aliases"])
            if kind == "person":
                aliases += self.person_aliases(name, aff_alias, r["roles"], r["short"])
            aliases += [fold(a) for a in aliases if fold(a) != a]
            self.add(name, kind, aff, code, aliases, r["cameo"], r["roles"], level=2)
            for a in split(r["drop"]):
                if a in self.rows[name]["aliases"]:
                    self.rows[name]["aliases"].remove(a)
                    self.dropped["curated drop"].add(f"{a} ({name})")

    def person_aliases(self, name, aff, roles, short):
        words = name.split()
        shorts = split(short) if short else [words[-1]] if len(words) > 1 else []
        shorts = [s for s in shorts if s != "-"]
        out = list(shorts)
        dems = self.demonyms.get(aff, [])
        for role in (r.strip() for r in roles.split(";") if r.strip()):
            m = re.match(r"(.+?)\s+(\d{4}[-\d]*)\.\.(\d{4}[-\d]*)?$", role)
            title = TITLES.get((m.group(1) if m else role).strip().lower())
            if not title or title == "spokesperson":
                continue
            current = bool(m) and not m.group(3)
            titles = [title] + ([DEFENCE_ALSO[title]] if title in DEFENCE_ALSO else [])
            for t in titles:
                for s in shorts[:1]:
                    out.append(f"{t} {s}")
                out.append(f"{t} {name}")
                if current and title not in ("General", "Secretary-General"):
                    out += [f for dem in dems for f in (f"{dem} {t}", f"{dem} {t} {name}")]
        return out

    def fill_cameo(self):
        for row in self.rows.values():
            if row["cameo"]:
                continue
            found = cameo_of(self.phoenix, [row["name"], *row["aliases"]]) if row["kind"] != "state" else ""
            if found and row["kind"] == "person" and row["code"] and not found.startswith(row["code"][:3]) \
                    and not found.startswith("IGO") and len(row["code"]) == 3:
                found = ""  # a namesake of another country (Phoenix has many)
            row["cameo"] = found

    def build(self):
        self.build_states()
        self.build_bodies()
        self.build_hand()
        self.build_curated()
        self.fill_cameo()
        audit(self)
        self.add_the_forms()
        return self.rows

    def add_the_forms(self):
        """"the UN Security Council": where "the UN" is an alias, a name opening with "UN " also takes "the"
        (else a sentence's "the UN" would be matched first, and the Security Council named apart from it)."""
        owner = {a: name for name, row in self.rows.items() for a in [name, *row["aliases"]]}
        heads = {a[4:] for a in owner if a.startswith("the ") and re.fullmatch(r"[A-Z.]{2,6}", a[4:])}  # UN, U.S., EU
        for name, row in self.rows.items():
            for a in [name, *row["aliases"]]:
                if a.split(" ", 1)[0] in heads and " " in a and "the " + a not in owner:
                    row["aliases"].append("the " + a)
                    owner["the " + a] = name


# --------------------------------------------------------------------------------------------- the alias audit

def load_rules():
    allow, block = {}, {}
    for r in read_csv(HERE / "alias_rules.csv"):
        (allow if r["rule"] == "allow" else block)[r["alias"]] = r["reason"]
    return allow, block


def common_words() -> set[str]:
    return set((ROOT / "stance" / "words.txt").read_text(encoding="utf-8").split())


def first_names(rows) -> set[str]:
    """First words of the registry's own person names plus the rules' list ("block" rows marked first name)."""
    names = set()
    for r in rows.values():
        w = r["name"].split()
        if r["kind"] == "person" and len(w) > 1 and w[0][0].isupper() and not w[0].endswith("."):
            names.add(w[0])
    return names


def _wins(alias, name, owners, priority) -> bool:
    """A reviewed row (hand-made 1, curated 2) keeps an alias it shares only with generated rows (0): "Brussels" is
    the EU's, not Belgium's. Two reviewed rows (two people called Carney) keep it neither."""
    return priority.get((name, alias), 0) > 0 and all(priority.get((o, alias), 0) == 0 for o in owners if o != name)


def _description(alias: str, words: set[str]) -> bool:
    """Whether an alias is a lower-case description of many actors ("the city", "city council", "the special
    prosecutor"): every word, after "the", a common English word. Such a phrase names whichever one the article means,
    never one actor everywhere; a reviewed "allow" row keeps one that does ("the pope")."""
    w = alias.split()
    if alias != alias.lower() or w[:1] == ["the"] and len(w) == 1:
        return False
    w = w[1:] if w[0] == "the" else w
    return (len(w) > 1 or alias.startswith("the ")) and all(x in words for x in w)


def violations(rows, allow, block, words, firsts, priority=None):
    """(alias, actor, problem) for every alias that breaks a rule; the actor's own name is never a violation."""
    out = []
    owners = defaultdict(set)
    for r in rows.values():
        for a in {r["name"], *r["aliases"]}:
            owners[a].add(r["name"])
    for r in rows.values():
        for a in r["aliases"]:
            if a == r["name"]:
                continue
            single = " " not in a and a not in allow
            if a in block:
                out.append((a, r["name"], "blocked: " + block[a]))
            elif single and a.lower() in words and not a.isupper():
                out.append((a, r["name"], "common English word"))
            elif single and a in firsts:
                out.append((a, r["name"], "bare first name"))
            elif a not in allow and _description(a, words):
                out.append((a, r["name"], "a description, not a name"))
            elif len(owners[a]) > 1 and a in owners[a] - {r["name"]} and a in rows:
                out.append((a, r["name"], "another actor's name"))
            elif len(owners[a]) > 1 and not (priority is not None and _wins(a, r["name"], owners[a], priority)):
                out.append((a, r["name"], "shared by " + ", ".join(sorted(owners[a]))))
    return out


def audit(builder: Builder):
    allow, block = load_rules()
    words, rows = common_words(), builder.rows
    firsts = first_names(rows) - set(allow)
    for a, name, problem in violations(rows, allow, block, words, firsts, builder.priority):
        if a in rows[name]["aliases"]:
            rows[name]["aliases"].remove(a)
            builder.dropped[problem.split(":")[0] if problem.startswith("blocked") else
                            "shared alias" if problem.startswith("shared") else problem].add(f"{a} ({name})")


def summary(rows, dropped) -> str:
    out = io.StringIO()
    kinds = defaultdict(int)
    for r in rows.values():
        kinds[r["kind"]] += 1
    orgs = [r for r in rows.values() if r["kind"] == "organisation"]
    igo = sum(1 for r in orgs if not r["affiliation"] and r["cameo"].startswith("IGO"))
    intl = sum(1 for r in orgs if not r["affiliation"])
    print(f"registry: {len(rows)} actors: " + ", ".join(f"{kinds[k]} {k}s" for k in KIND_ORDER)
          + f" ({intl} organisations without a state: {igo} with an IGO cameo code; "
          f"{len(orgs) - intl} national bodies)", file=out)
    by_kind = defaultdict(int)
    for r in rows.values():
        by_kind[r["kind"]] += len(r["aliases"])
    shared = {item.split(" (")[0] for item in dropped.get("shared alias", ())}
    print(f"aliases: {sum(by_kind.values())} (" + ", ".join(f"{by_kind[k]} of {k}s" for k in KIND_ORDER)
          + f"); ambiguous: {len(shared)} alias(es) two actors share and no rule decides, dropped from both",
          file=out)
    print("audit: aliases removed", file=out)
    for problem in sorted(dropped):
        items = sorted(dropped[problem])
        print(f"  {problem}: {len(items)}: " + "; ".join(items[:12]) + (" ..." if len(items) > 12 else ""), file=out)
    return out.getvalue()


def render(rows) -> str:
    def order(r):
        side = r["affiliation"] or r["name"]
        return (fold(side).lower(), side, KIND_ORDER[r["kind"]], fold(r["name"]).lower(), r["name"])

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in sorted(rows.values(), key=order):
        aliases = [r["name"]] + sorted(set(r["aliases"]) - {r["name"]}, key=lambda a: (fold(a).lower(), a))
        w.writerow([r["name"], r["kind"], r["affiliation"], r["code"], "|".join(aliases), r["cameo"], r["roles"]])
    return out.getvalue()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--datasets", type=Path, default=Path(os.environ.get("STANCE_DATASETS", "../shared/datasets")),
                   help="folder holding phoenix/ (default $STANCE_DATASETS or ../shared/datasets)")
    p.add_argument("--out", type=Path, default=HERE / "actors.csv", help="where to write the registry")
    p.add_argument("--check", action="store_true", help="exit 1 if --out differs from a fresh build")
    args = p.parse_args(argv)
    b = Builder(args.datasets)
    rows = b.build()
    text = render(rows)
    print(summary(rows, b.dropped), end="", file=sys.stderr)
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{args.out} differs from a fresh build", file=sys.stderr)
        return 0 if same else 1
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
