"""The HTML report of `stance predict --format html`: self-contained, every sentence present, and it renders.

The browser tests need Debian's `chromium` (which `.ci/run` installs); they skip with that reason when it is absent.
Set STANCE_SCREENSHOT=/some/file.png to keep the screenshot of the seed article for a look.
"""

import html
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, stance_cmd
from stance import StanceClassifier
from stance.records import ActorStance, SentenceStance
from stance.report import predictions_html
from stance.text import split_sentences

SEED = ROOT / "seeds" / "002_f53f8808453e2be5.txt"
WIDTH, HEIGHT = 1200, 2400
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def visible_text(page: str) -> str:
    """The page's text as a reader gets it: tags stripped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def assert_sentences_in_order(page: str, sentences: list[str]) -> None:
    text, at = visible_text(page), 0
    for s in sentences:
        found = text.find(s, at)
        assert found >= 0, f"sentence missing from the page (or out of order): {s!r}"
        at = found + len(s)


def record(text: str, stance: str = "condemn", sentence: int = 0, start: int = 0, end: int | None = None,
           confidence: float = 0.7, stances=(), paragraph: int = 0, **extra) -> SentenceStance:
    """A record as the library makes it; ``p_<class>`` keywords give the probabilities."""
    scores = {k[2:]: v for k, v in extra.items() if k.startswith("p_")} or {"condemn": 0.7, "none": 0.3}
    actors = {k: v for k, v in extra.items() if not k.startswith("p_")}
    stances = tuple(ActorStance(**st) for st in stances)
    if not stances and actors.get("holder") and stance != "none":
        stances = (ActorStance(actors.get("holder", ""), actors.get("holder_code", ""), actors.get("target", ""),
                               actors.get("target_code", ""), stance, confidence),)
    return SentenceStance(sentence, start, len(text) if end is None else end, text, stance, confidence, scores,
                          stances=stances, document="doc.txt", paragraph=paragraph, **actors)


@pytest.fixture(scope="module")
def seed_sentences() -> list[str]:
    return [s.text for s in split_sentences(SEED.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def seed_page(tiny_model, tmp_path_factory) -> Path:
    """`stance predict seeds/002_... --format html`, written to a file as a user would."""
    r = subprocess.run([*stance_cmd(), "predict", str(SEED), "--model", str(tiny_model), "--format", "html"],
                       capture_output=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    path = tmp_path_factory.mktemp("html") / "report_002.html"
    path.write_bytes(r.stdout)
    return path


# --- the page itself -------------------------------------------------------------------------------------------------

def test_seed_page_has_one_element_per_sentence_and_every_sentence(seed_page, seed_sentences):
    page = seed_page.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert len(re.findall(r"<[^>]*\bdata-sentence=", page)) == len(seed_sentences) == 47
    assert_sentences_in_order(page, seed_sentences)


def test_seed_page_is_self_contained(seed_page):
    page = seed_page.read_text(encoding="utf-8").lower()
    assert not re.search(r"https?://", page)
    for external in ("<link", "src=", "@import", "url(", "@font-face"):
        assert external not in page, external


def test_marks_whole_actor_names_only():
    text = "The Russian envoy left before Russia condemned Iran's strikes on Iranian soil."
    page = predictions_html([("doc.txt", [record(text, holder="Russia", target="Iran")])])
    assert re.findall(r"<mark[^>]*>([^<]*)</mark>", page) == ["Russia", "Iran"]
    assert re.search(r'<mark class="holder"[^>]*>Russia</mark>', page)
    assert re.search(r'<mark class="target"[^>]*>Iran</mark>', page)


def test_marks_aliases_the_registry_knows(registry):
    page = predictions_html([("doc.txt", [record("Moscow condemned Tehran's critics.", holder="Russia",
                                                 holder_code="RUS", target="Iran", target_code="IRN")])], registry)
    assert re.search(r'<mark class="holder" title="holder: Russia \(RUS\)">Moscow</mark>', page)
    assert re.search(r'<mark class="target" title="target: Iran \(IRN\)">Tehran</mark>', page)


def test_shows_every_actor_stance_of_a_sentence():
    text = "Russia condemned Israel while China backed Iran."
    stances = [{"holder": "Russia", "holder_code": "RUS", "target": "Israel", "target_code": "ISR",
                "stance": "condemn", "confidence": 0.7},
               {"holder": "China", "holder_code": "CHN", "target": "Iran", "target_code": "IRN",
                "stance": "support", "confidence": 0.6}]
    page = predictions_html([("doc.txt", [record(text, holder="Russia", target="Israel", stances=stances)])])
    assert len(re.findall(r"data-sentence=", page)) == 1
    assert re.findall(r'<mark class="(\w+)"[^>]*>([^<]*)</mark>', page) == [
        ("holder", "Russia"), ("target", "Israel"), ("holder", "China"), ("target", "Iran")]
    tip = visible_text(page.split('class="tip"', 1)[1])
    assert "Russia (RUS) → Israel (ISR)" in tip and "China (CHN) → Iran (IRN)" in tip and "support" in tip


def test_any_label_set_and_empty_input_render():
    recs = [record("Outlet confirms the story.", "for", p_for=0.8, p_against=0.2, confidence=0.8),
            record("Nothing here.", "observing", sentence=1, p_observing=0.9, confidence=0.9)]
    page = predictions_html([("doc.txt", recs), ("empty.txt", [])])
    assert len(re.findall(r"data-sentence=", page)) == 2 and "No actor stance found" in page
    assert_sentences_in_order(page, [r.text for r in recs])


def test_keeps_the_articles_paragraphs(tiny_model):
    source = "Russia condemned it.\nIran praised Moscow. Oil rose."
    recs = [r for r in StanceClassifier.load(tiny_model).analyze(source)]
    assert [r.paragraph for r in recs] == [0, 1, 1]
    page = predictions_html([("doc.txt", recs)])
    paragraphs = re.findall(r"<p>(.*?)</p>", page.split('class="article"')[1], re.S)
    assert [len(re.findall("data-sentence=", p)) for p in paragraphs] == [1, 2]


# --- in a browser ----------------------------------------------------------------------------------------------------

def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium not installed (Debian package `chromium`); .ci/run installs it")
    return exe


def run_chromium(exe: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, timeout=180)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish within 180 s: {' '.join(args)}")


def screenshot(exe: str, page: Path, png: Path) -> bytes:
    r = run_chromium(exe, png.with_suffix(".profile"), f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={png}",
                     page.as_uri())
    assert r.returncode == 0 and png.is_file(), r.stderr.decode(errors="replace")[-2000:]
    return png.read_bytes()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's signature and IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    length, kind, width, height = struct.unpack(">I4sII", data[8:24])
    assert kind == b"IHDR" and length == 13
    return width, height


def test_seed_page_renders_in_chromium(seed_page, seed_sentences, tmp_path):
    exe = chromium()
    shot = screenshot(exe, seed_page, tmp_path / "report_002.png")
    if os.environ.get("STANCE_SCREENSHOT"):
        Path(os.environ["STANCE_SCREENSHOT"]).write_bytes(shot)
    assert png_size(shot) == (WIDTH, HEIGHT)

    blank = tmp_path / "blank.html"
    blank.write_text("<!doctype html><title>blank</title>", encoding="utf-8")
    empty = screenshot(exe, blank, tmp_path / "blank.png")
    assert png_size(empty) == (WIDTH, HEIGHT)
    assert len(shot) > 5 * len(empty), (len(shot), len(empty))  # text and colour compress far worse than white

    r = run_chromium(exe, tmp_path / "dom.profile", "--dump-dom", seed_page.as_uri())
    assert r.returncode == 0, r.stderr.decode(errors="replace")[-2000:]
    dom = r.stdout.decode("utf-8")
    assert len(re.findall(r"<[^>]*\bdata-sentence=", dom)) == len(seed_sentences)
    assert_sentences_in_order(dom, seed_sentences)


# --- stances over time: `stance summarize --format html` --------------------------------------------------------------

def test_over_time_page_draws_every_month_and_renders(tiny_model, tmp_path):
    import json

    rows = [("2022-01-10", "Russia condemned Iran's strikes."), ("2022-04-02", "Russia stands firmly with Iran."),
            ("2022-04-12", "Moscow denounced the attack on Iran as illegal."), ("2022-01-11", "Iran praised Moscow.")]
    table = tmp_path / "dated.jsonl"
    table.write_text("".join(json.dumps({"date": d, "text": t}) + "\n" for d, t in rows))
    scored = tmp_path / "scored.jsonl"
    r = subprocess.run([*stance_cmd(), "predict", str(table), "--text-column", "text", "--model", str(tiny_model)],
                       capture_output=True, cwd=ROOT, timeout=300)
    scored.write_bytes(r.stdout)
    r = subprocess.run([*stance_cmd(), "summarize", str(scored), "--by", "date", "--bin", "month", "-f", "html",
                        "--model", str(tiny_model)], capture_output=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    page = r.stdout.decode()
    pairs = re.findall(r'<section class="pair"><h2>(.*?) <span', page)
    assert visible_text(pairs[0]) == "Russia → Iran" and "Iran → Russia" in map(visible_text, pairs)
    russia_iran = page.split('<section class="pair">')[1]
    lines = re.findall(r'<polyline points="([^"]+)"', russia_iran)
    assert len(lines) == 2 and all(len(pts.split()) == 4 for pts in lines)  # Jan..Apr, Feb and March empty
    assert "<script" not in page and not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)
    path = tmp_path / "over_time.html"
    path.write_text(page, encoding="utf-8")
    exe = chromium()
    shot = screenshot(exe, path, tmp_path / "over_time.png")
    if os.environ.get("STANCE_SCREENSHOT_OVER_TIME"):
        Path(os.environ["STANCE_SCREENSHOT_OVER_TIME"]).write_bytes(shot)
    assert png_size(shot) == (WIDTH, HEIGHT)
    dom = run_chromium(exe, tmp_path / "dom.profile", "--dump-dom", path.as_uri()).stdout.decode()
    assert len(re.findall(r'<section class="pair">', dom)) == len(pairs)


# --- the report's filters and views, run by the page's own script in Chromium ---------------------------------------

def dom_summary(dom: str) -> list[tuple[str, str, str, int]]:
    """(holder, target, stance, sentences) of every row of the rendered "who stands where" table, folded rows too."""
    out = []
    for row in re.findall(r'<tr class="cell">(.*?)</tr>', dom.split('id="summary"', 1)[1].split("</section>")[0], re.S):
        holder, stance, target, n, _ = (visible_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
        out.append((holder, "" if target == "no target" else target, stance.split()[-1], int(n)))
    return out


@pytest.mark.parametrize("query, stances, min_confidence, view", [
    ("", None, 0.0, "states"),
    ("?view=actors", None, 0.0, "actors"),
    ("?stance=condemn,hedge&min=0.6&view=actors", ["condemn", "hedge"], 0.6, "actors"),
    ("?stance=support&min=0.8", ["support"], 0.8, "states"),
])
def test_report_filters_and_views_in_chromium(seed_page, tiny_model, registry, tmp_path, query, stances,
                                              min_confidence, view):
    """The page's script counts the summary again as `stance summarize --stance --min-confidence [--by affiliation]`
    counts it, and greys exactly the sentences that filter leaves out."""
    from stance.records import from_scored_rows
    from stance.summary import Filter, Summary
    import json

    r = subprocess.run([*stance_cmd(), "predict", str(SEED), "--model", str(tiny_model), "-f", "jsonl"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    records = list(from_scored_rows(json.loads(line) for line in r.stdout.splitlines()))
    keep = Filter(stance=stances, min_confidence=min_confidence)
    summary = Summary(registry if view == "states" else None, keep)
    for rec in records:
        summary.add(rec)
    want = [(c["holder"], c["target"], c["stance"], c["count"]) for c in summary.cells()]
    exe = chromium()
    r = run_chromium(exe, tmp_path / "dom.profile", "--dump-dom", seed_page.as_uri() + query)
    dom = r.stdout.decode("utf-8")
    got = dom_summary(dom)
    assert sorted(got) == sorted(want) and [g[3] for g in got] == sorted((g[3] for g in got), reverse=True)
    assert want or stances  # the unfiltered page has rows to compare
    out = set(re.findall(r'<span class="s [^"]*\bout\b[^"]*" id="([^"]+)"', dom))
    assert out == {f"d0-s{rec.index}" for rec in records if not keep.keep(rec)}
    assert f"{len(records) - len(out)} of {len(records)} sentences shown" in dom
    if stances or view == "actors":
        assert set(got) != set(dom_summary(seed_page.read_text(encoding="utf-8")))  # the filter changed something
