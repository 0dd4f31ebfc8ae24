"""Render results for people: plain-text tables, the model card, and self-contained HTML pages (no network, no assets)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

__all__ = ["model_card", "evaluation_table", "evaluation_html", "keyword_wins"]


def _row(cells, widths, left: int = 1) -> str:
    return "  ".join(str(c).ljust(w) if i < left else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))


def table(header: list, rows: list[list], left: int = 1) -> str:
    """A plain aligned text table: the first ``left`` columns aligned left, the others right."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    lines = [_row(header, widths, left), _row(["-" * w for w in widths], widths, left)]
    return "\n".join(lines + [_row(r, widths, left) for r in rows])


def _f(x) -> str:
    return f"{x:.3f}" if isinstance(x, (int, float)) else str(x)


def scores_table(systems: dict[str, dict]) -> str:
    """Systems side by side: macro F1, accuracy, per-class F1, and calibration where known."""
    labels = next(iter(systems.values()))["labels"]
    header = ["system", "macro F1", "accuracy", *[f"F1 {c}" for c in labels], "ECE", "Brier"]
    rows = []
    for name, s in systems.items():
        rows.append([name, _f(s["macro_f1"]), _f(s["accuracy"]),
                     *[_f(s["per_class"].get(c, {}).get("f1", "")) for c in labels],
                     _f(s.get("ece", "-")), _f(s.get("brier", "-"))])
    return table(header, rows)


def confusion_table(s: dict) -> str:
    labels = s["labels"]
    return table(["true \\ predicted", *labels], [[c, *row] for c, row in zip(labels, s["confusion"])])


def per_class_table(s: dict) -> str:
    return table(["class", "precision", "recall", "F1", "support"],
                 [[c, _f(v["precision"]), _f(v["recall"]), _f(v["f1"]), v["support"]] for c, v in s["per_class"].items()])


def keyword_wins(report: dict) -> list[str]:
    """One plain sentence for each score of the report (cross-validation, held-out, fixed test) on which the keyword
    rule gets a higher macro F1 than the model."""
    checks = []
    if report.get("evaluation"):
        checks.append(("grouped cross-validation", report["evaluation"]))
    if report.get("heldout"):
        checks.append(("the held-out world news", report["heldout"]))
    if report.get("test"):
        checks.append((f"the test table {report['test']['file']}", report["test"]))
    return [f"the keyword rule beats the model on {where}: macro F1 {s['keyword']['macro_f1']:.3f} against "
            f"{s['model']['macro_f1']:.3f}; a word list does better than this model there"
            for where, s in checks if s["keyword"]["macro_f1"] > s["model"]["macro_f1"]]


def _test_title(t: dict) -> str:
    seen = t.get("in_training")
    return (f"Fixed test split: {t['file']}, {t['model']['n']} sentences scored once by the model fitted on all the "
            "training rows" + (f"; {seen} of them are training sentences too, so in-sample" if seen else ""))


def _beside(report: dict) -> dict[str, dict]:
    """Cross-validated and fixed-split scores side by side (the test's rows only when there is a test)."""
    ev, t = report.get("evaluation"), report.get("test")
    rows = {}
    if ev:
        rows.update({"model, cross-validated": ev["model"]} if t else {"model": ev["model"]})
    if t:
        rows["model, test"] = t["model"]
    if ev:
        rows["majority class" + (", cross-validated" if t else "")] = ev["majority"]
    if t and t.get("majority"):
        rows["majority class, test"] = t["majority"]
    if ev:
        rows["keyword rule" + (", cross-validated" if t else "")] = ev["keyword"]
    if t:
        rows["keyword rule, test"] = t["keyword"]
    return rows


def evaluation_table(report: dict) -> str:
    """The whole evaluation report as text."""
    ev = report["evaluation"]
    parts = [f"Warning: {w}" for w in keyword_wins(report)]
    parts += [f"Grouped cross-validation: {ev['model']['n']} sentences, {ev['groups']} articles, {ev['folds']} folds "
              "(no article on both sides of a split)"]
    if report.get("test"):
        parts += [_test_title(report["test"])]
    parts += ["", scores_table(_beside(report)),
              "", "Model, per class:", per_class_table(ev["model"]), "", "Model, confusion matrix:",
              confusion_table(ev["model"])]
    if report.get("by_source"):
        parts += ["", "Model by source (out-of-fold):",
                  scores_table({k: v for k, v in report["by_source"].items()})]
    if report.get("by_target"):
        parts += ["", "Model by target (out-of-fold):", scores_table(report["by_target"])]
    for name, cd in (report.get("cross_domain") or {}).items():
        parts += ["", f"Cross-domain, {name} ({cd['train']} train / {cd['test']} test sentences):",
                  scores_table({"model": cd["model"], "majority class": cd["majority"]})]
    if report.get("cross_source"):
        parts += ["", "Cross-source (trained without a source, scored on it):",
                  scores_table({f"{k} ({v['test']}): {sys}": v[key] for k, v in report["cross_source"].items()
                                for sys, key in (("model", "model"), ("keyword", "keyword"))})]
    if report.get("heldout"):
        ho = report["heldout"]
        rows = {"model": ho["model"], "keyword rule": ho["keyword"]}
        rows.update({f"{k}: {sys}": v[key] for k, v in ho["by_source"].items()
                     for sys, key in (("model", "model"), ("keyword", "keyword"))})
        parts += ["", f"Held-out world news ({ho['n']} sentences, {ho['documents']} documents no tuning step saw; "
                  "model fitted on the rest with the chosen settings):", scores_table(rows)]
    if report.get("calibration"):
        cal = report["calibration"]
        parts += ["", f"Calibration: temperature {cal['temperature']:.3f} fitted on grouped out-of-fold "
                  f"probabilities; ECE {cal['ece_before']:.3f} before, {cal['ece_after']:.3f} after"]
    if report.get("learning_curve"):
        parts += ["", "Learning curve (would more labels help?):",
                  table(["train sentences", "macro F1"],
                        [[p["train_sentences"], _f(p["macro_f1"])] for p in report["learning_curve"]])]
    if report.get("search"):
        parts += ["", _search_text(report["search"])]
    if report.get("target_handling"):
        parts += ["", _target_handling_text(report["target_handling"])]
    return "\n".join(parts)


def _search_text(sr: dict) -> str:
    """The settings search: the choice, how it was scored, and every configuration tried, by how it differs from the
    chosen one."""
    transfer = sr.get("transfer", 0.0)
    how = (f"score = {1 - transfer:g} x CV macro F1 + {transfer:g} x mean cross-source macro F1" if transfer
           else "score = CV macro F1")
    head = (f"Settings chosen by grouped {sr['folds']}-fold search over {len(sr['tried'])} configurations ({how}; "
            f"a change must gain {sr.get('margin', 0.005):g}): {json.dumps(sr['chosen'])} (macro F1 "
            f"{sr['macro_f1']:.3f})")
    chosen = sr["chosen"]
    rows = []
    for t in sr["tried"]:
        diff = ", ".join(f"{k} {json.dumps(v)}" for k, v in t["params"].items() if chosen.get(k) != v) or "chosen"
        cross = t.get("cross_source")
        rows.append([diff, _f(t["macro_f1"]), _f(sum(cross.values()) / len(cross)) if cross else "-",
                     _f(t.get("score", t["macro_f1"]))])
    return head + "\n" + table(["configuration (against the chosen)", "CV macro F1", "cross-source", "score"], rows)


def _target_handling_scores(th: dict) -> list[tuple[str, float]]:
    return [(k, v) for k, v in th.items() if isinstance(v, float)]


def _target_handling_text(th: dict) -> str:
    tried = ", ".join(f"{name} {f1:.3f}" for name, f1 in _target_handling_scores(th))
    return (f"Target handling chosen by grouped {th.get('folds', '?')}-fold cross-validation "
            f"({th.get('metric', 'macro F1')}; a tie keeps target-aware features): {tried}; chosen: {th['chosen']}")


def model_card(meta: dict) -> str:
    """The generated README.md of a model folder."""
    ev = meta.get("evaluation", {}).get("evaluation")
    lines = [
        f"# stance model: {meta.get('name', 'stance')}", "",
        "Sentence-level stance (" + ", ".join(meta.get("labels", [])) + ") from TF-IDF n-grams and a balanced logistic "
        "regression (scikit-learn). Generated by `stance train`; do not edit by hand.", "",
        "**Safety**: `pipeline.joblib` is a pickle and runs code when loaded. Load only models you trust; "
        "`StanceClassifier.load` checks every file against the sha256 in `metadata.json` first.", "",
        "## Training data", "",
        f"- Built: {meta.get('created', '?')} from git commit `{meta.get('git_commit', '?')}`",
        f"- Versions: {json.dumps(meta.get('versions', {}))}",
        f"- Label counts: {json.dumps(meta.get('label_counts', {}))}",
        f"- Settings: {json.dumps(meta.get('params', {}))}",
    ]
    if meta.get("params", {}).get("per_target"):
        own = meta.get("target_models", [])
        shown = ", ".join(own[:10]) + (f" and {len(own) - 10} more" if len(own) > 10 else "")
        lines.append(f"- A model per target value: {len(own)} target value{'s' * (len(own) != 1)} have their own model"
                     + (f" ({shown})" if own else "") + "; other targets (unseen in training or with one class there) "
                     "and texts without a target go to a fallback model trained on every row's target-aware text")
    elif (meta.get("columns") or {}).get("target"):
        lines.append(f"- Target column `{meta['columns']['target']}`: the model reads each text's target as "
                     "target-aware features (`[target: X] ` before the text)")
    for note in meta.get("notes", []):
        lines.append(f"- Note: {note}")
    if ev:
        test = " and the fixed test split" if meta["evaluation"].get("test") else ""
        lines += ["", f"## Cross-validated quality{test}", "", "```",
                  evaluation_table(meta["evaluation"]), "```"]
    lines += ["", "## Training files (sha256)", ""]
    lines += [f"- `{k}` {v}" for k, v in sorted(meta.get("training_files", {}).items())]
    return "\n".join(lines) + "\n"


# --- HTML ------------------------------------------------------------------------------------------------------------

_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d232b;max-width:980px;margin:2em auto;padding:0 1em}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #dde;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0}td,th{padding:.25em .6em;border-bottom:1px solid #e4e6ea;text-align:right}
th:first-child,td:first-child{text-align:left}.muted{color:#667}
.warn{background:#fde3d3;border-left:4px solid #C04F00;padding:.5em .8em}
"""


def _svg_confusion(s: dict) -> str:
    labels, m = s["labels"], s["confusion"]
    n, cell, pad = len(labels), 64, 110
    peak = max(max(r) for r in m) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{pad + n * cell + 20}" height="{pad + n * cell + 20}" '
             'font-family="sans-serif" font-size="12" role="img" aria-label="confusion matrix">']
    for i, label in enumerate(labels):
        parts.append(f'<text x="{pad - 8}" y="{pad + i * cell + cell / 2 + 4}" text-anchor="end">{html.escape(label)}</text>')
        parts.append(f'<text x="{pad + i * cell + cell / 2}" y="{pad - 8}" text-anchor="middle">{html.escape(label)}</text>')
        for j in range(n):
            v = m[i][j]
            shade = int(245 - 180 * v / peak)
            color = f"rgb({shade},{shade + 5 if shade < 250 else 250},255)" if i == j else f"rgb(255,{shade},{shade})"
            parts.append(f'<rect x="{pad + j * cell}" y="{pad + i * cell}" width="{cell - 2}" height="{cell - 2}" fill="{color}"/>')
            parts.append(f'<text x="{pad + j * cell + cell / 2}" y="{pad + i * cell + cell / 2 + 4}" '
                         f'text-anchor="middle">{v}</text>')
    parts.append(f'<text x="{pad + n * cell / 2}" y="20" text-anchor="middle" font-weight="bold">predicted</text>')
    parts.append(f'<text x="16" y="{pad + n * cell / 2}" transform="rotate(-90 16 {pad + n * cell / 2})" '
                 'text-anchor="middle" font-weight="bold">true</text></svg>')
    return "".join(parts)


def _spread(wanted: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Positions as near ``wanted`` as possible, at least ``gap`` apart and inside [lo, hi], order kept."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = {}
    last = lo - gap
    for i in order:
        last = placed[i] = max(wanted[i], last + gap)
    overflow = last - hi
    if overflow > 0:
        for i in order:
            placed[i] -= overflow
    return [placed[i] for i in range(len(wanted))]


def _svg_curve(curve: list[dict], baselines: dict[str, float]) -> str:
    """Macro F1 against training sentences, ticked on both axes; the baselines are dashed lines labelled in the right
    margin (never on top of the curve's last point), spread apart when their values are close."""
    w, h, left, right, top, bottom = 660, 330, 58, 170, 26, 50
    x0, x1, y0, y1 = left, w - right, h - bottom, top
    xs = [p["train_sentences"] for p in curve]
    xmax = max(xs) if xs and max(xs) > 0 else 1
    px = lambda x: x0 + (x1 - x0) * x / xmax  # noqa: E731
    py = lambda y: y0 - (y0 - y1) * y  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12" '
             'role="img" aria-label="learning curve: macro F1 against training sentences">']
    for y in (0.0, 0.25, 0.5, 0.75, 1.0):  # y ticks, labels and grid
        parts.append(f'<line x1="{x0}" y1="{py(y):.1f}" x2="{x1}" y2="{py(y):.1f}" stroke="#eef"/>')
        parts.append(f'<line x1="{x0 - 5}" y1="{py(y):.1f}" x2="{x0}" y2="{py(y):.1f}" stroke="#889"/>')
        parts.append(f'<text x="{x0 - 8}" y="{py(y) + 4:.1f}" text-anchor="end">{y:.2f}</text>')
    parts += [f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#889"/>',
              f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="#889"/>']
    last = None  # x ticks at 0 and at each point's training size, a label only where it has room
    for x in sorted({0, *xs}):
        parts.append(f'<line x1="{px(x):.1f}" y1="{y0}" x2="{px(x):.1f}" y2="{y0 + 5}" stroke="#889"/>')
        half = 3.6 * len(str(x)) + 4
        if last is None or px(x) - half >= last:
            parts.append(f'<text x="{px(x):.1f}" y="{y0 + 18}" text-anchor="middle">{x}</text>')
            last = px(x) + half
    parts.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{h - 8}" text-anchor="middle">training sentences '
                 '(mean per fold)</text>')
    parts.append(f'<text x="14" y="{(y0 + y1) / 2:.1f}" transform="rotate(-90 14 {(y0 + y1) / 2:.1f})" '
                 'text-anchor="middle">macro F1</text>')
    colors = ["#c0392b", "#7f8c8d", "#8e44ad", "#16a085"]
    items = list(baselines.items())
    label_ys = _spread([py(v) + 4 for _, v in items], 15, y1 + 8, y0 + 4)
    for (name, value), color, ly in zip(items, colors, label_ys):
        parts.append(f'<line x1="{x0}" y1="{py(value):.1f}" x2="{x1}" y2="{py(value):.1f}" stroke="{color}" '
                     'stroke-dasharray="5,4"/>')
        parts.append(f'<text x="{x1 + 22}" y="{ly:.1f}" fill="{color}">{html.escape(name)} {value:.2f}</text>')
    points = " ".join(f"{px(p['train_sentences']):.1f},{py(p['macro_f1']):.1f}" for p in curve)
    parts.append(f'<polyline points="{points}" fill="none" stroke="#2c6fbb" stroke-width="2.5"/>')
    # each point's value goes above it, else below, right or left: the first place that stays in the picture and
    # crosses neither a baseline's line nor another value (boxes: left, top, right, bottom; 12 px text)
    taken: list[tuple[float, float, float, float]] = []

    def box(place):
        tx, ty, anchor = place
        lo = {"middle": tx - 14, "start": tx, "end": tx - 28}[anchor]
        return lo, ty - 11, lo + 28, ty + 2

    def free(b) -> bool:
        inside = b[0] >= x0 and b[1] >= 0 and b[3] <= y0 - 2 and b[2] <= x1 + 20  # clear of the baselines' labels
        return inside and not any(b[1] <= py(v) <= b[3] for v in baselines.values()) and not any(
            b[0] < t[2] and t[0] < b[2] and b[1] < t[3] and t[1] < b[3] for t in taken)

    for p in curve:
        x, y = px(p["train_sentences"]), py(p["macro_f1"])
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#2c6fbb"/>')
    for p in curve:
        x, y = px(p["train_sentences"]), py(p["macro_f1"])
        places = [(x, y - 9, "middle"), (x, y + 19, "middle"), (x + 8, y + 4, "start"), (x - 8, y + 4, "end")]
        tx, ty, anchor = next((place for place in places if free(box(place))), places[0])
        taken.append(box((tx, ty, anchor)))
        parts.append(f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" fill="#2c6fbb">'
                     f'{p["macro_f1"]:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _html_scores(systems: dict[str, dict]) -> str:
    labels = next(iter(systems.values()))["labels"]
    head = "".join(f"<th>F1 {html.escape(c)}</th>" for c in labels)
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{s['macro_f1']:.3f}</td><td>{s['accuracy']:.3f}</td>"
        + "".join(f"<td>{s['per_class'].get(c, {}).get('f1', 0):.3f}</td>" for c in labels)
        + f"<td>{_f(s.get('ece', '–'))}</td><td>{_f(s.get('brier', '–'))}</td></tr>"
        for name, s in systems.items())
    return f"<table><tr><th>system</th><th>macro F1</th><th>accuracy</th>{head}<th>ECE</th><th>Brier</th></tr>{rows}</table>"


def _svg_reliability(cal: dict) -> str:
    """Accuracy against confidence per bin, before and after calibration, with the diagonal."""
    w, h, pad = 360, 300, 40
    x = lambda v: pad + v * (w - 2 * pad)  # noqa: E731
    y = lambda v: h - pad - v * (h - 2 * pad)  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
             'aria-label="reliability diagram">',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#bbb" stroke-dasharray="4 3"/>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(0)}" stroke="#333"/>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(0)}" y2="{y(1)}" stroke="#333"/>']
    for v in (0, 0.5, 1):
        parts.append(f'<text x="{x(v):.1f}" y="{y(0) + 16:.1f}" font-size="11" text-anchor="middle">{v:.1f}</text>')
        parts.append(f'<text x="{x(0) - 6:.1f}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end">{v:.1f}</text>')
    parts.append(f'<text x="{w / 2:.1f}" y="{h - 6}" font-size="12" text-anchor="middle">confidence</text>')
    parts.append(f'<text x="12" y="{h / 2:.1f}" font-size="12" transform="rotate(-90 12 {h / 2:.1f})" '
                 'text-anchor="middle">accuracy</text>')
    for key, colour, name, dy in (("before", "#C04F00", "before", 0), ("after", "#0072B2", "after", 16)):
        pts = [(x(b["confidence"]), y(b["accuracy"])) for b in cal.get(f"reliability_{key}", [])]
        if pts:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                         + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>')
            parts += [f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{colour}"/>' for a, b in pts]
        ece = cal.get(f"ece_{key}")
        if not pts and ece is None:
            continue
        parts.append(f'<text x="{pad + 8}" y="{pad + dy}" font-size="12" fill="{colour}">{name}'
                     + (f" (ECE {ece:.3f})" if ece is not None else "") + "</text>")
    parts.append("</svg>")
    return "".join(parts)


def evaluation_html(report: dict, title: str = "stance: evaluation") -> str:
    """One self-contained page: scores beside the baselines, the confusion matrix and the learning curve."""
    ev = report["evaluation"]
    body = [f"<h1>{html.escape(title)}</h1>",
            *(f'<p class="warn"><b>Warning:</b> {html.escape(w)}</p>' for w in keyword_wins(report)),
            f'<p class="muted">Grouped cross-validation over {ev["model"]["n"]} sentences from {ev["groups"]} articles, '
            f'{ev["folds"]} folds; no article is on both sides of a split.'
            + (f" {html.escape(_test_title(report['test']))}." if report.get("test") else "") + "</p>",
            "<h2>Model against baselines</h2>", _html_scores(_beside(report)),
            "<h2>Confusion matrix (model)</h2>", _svg_confusion(ev["model"])]
    if report.get("target_handling"):
        th = report["target_handling"]
        rows = "".join(f"<tr><td>{html.escape(name)}{' (chosen)' if name == th['chosen'] else ''}</td>"
                       f"<td>{f1:.3f}</td></tr>" for name, f1 in _target_handling_scores(th))
        body += ["<h2>Target handling</h2>",
                 f'<p class="muted">Chosen by grouped {th.get("folds", "?")}-fold cross-validation on macro F1 '
                 "(a tie keeps target-aware features).</p>",
                 f"<table><tr><th>how the model uses the target</th><th>macro F1</th></tr>{rows}</table>"]
    if report.get("by_target"):
        body += ["<h2>Model by target (out-of-fold)</h2>", _html_scores(report["by_target"])]
    if report.get("learning_curve"):
        body += ["<h2>Learning curve: would more labels help?</h2>",
                 _svg_curve(report["learning_curve"], {"keyword rule": ev["keyword"]["macro_f1"],
                                                       "majority": ev["majority"]["macro_f1"]})]
    for name, cd in (report.get("cross_domain") or {}).items():
        body += [f"<h2>Cross-domain: {html.escape(name)}</h2>",
                 _html_scores({"model": cd["model"], "majority class": cd["majority"]})]
    if report.get("by_source"):
        body += ["<h2>Model by source (out-of-fold)</h2>", _html_scores(report["by_source"])]
    if report.get("cross_source"):
        body += ["<h2>Cross-source: trained without a source, scored on it</h2>",
                 _html_scores({f"{k} ({v['test']}): {sys}": v[key] for k, v in report["cross_source"].items()
                               for sys, key in (("model", "model"), ("keyword", "keyword"))})]
    if report.get("heldout"):
        ho = report["heldout"]
        rows = {"model": ho["model"], "keyword rule": ho["keyword"]}
        rows.update({f"{k}: {sys}": v[key] for k, v in ho["by_source"].items()
                     for sys, key in (("model", "model"), ("keyword", "keyword"))})
        body += [f"<h2>Held-out world news</h2><p class=\"muted\">{ho['n']} sentences from {ho['documents']} documents "
                 "that no tuning step saw, scored once by a model fitted on the rest with the chosen settings.</p>",
                 _html_scores(rows)]
    if report.get("calibration"):
        body += ["<h2>Reliability (grouped out-of-fold)</h2>", _svg_reliability(report["calibration"])]
    elif ev["model"].get("reliability"):  # `stance evaluate`: these folds' own probabilities, not calibrated
        body += ["<h2>Reliability (grouped out-of-fold)</h2>",
                 '<p class="muted">Probabilities of this run\'s fold models, before the temperature that training '
                 "fits (the model folder's card has the calibrated figures).</p>",
                 _svg_reliability({"reliability_before": ev["model"]["reliability"],
                                   "ece_before": ev["model"].get("ece")})]
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style><body>{''.join(body)}</body></html>\n")


# --- the article report ----------------------------------------------------------------------------------------------

# Okabe-Ito colours (safe for the common colour-vision deficiencies), never used alone: every stance also has a
# symbol, a written label and its own underline style. (colour, light background, symbol, underline style)
_STANCE_LOOK = {
    "support": ("#0072B2", "#dcedf9", "+", "solid"),
    "condemn": ("#C04F00", "#fde3d3", "×", "double"),
    "hedge": ("#A8457F", "#f6e2ee", "~", "dashed"),
}
_OTHER_LOOKS = [("#00785A", "#d9f2ea", "•", "dotted"), ("#7A6200", "#f7f0cc", "◦", "solid"),
                ("#555c66", "#e9ebee", "▪", "dashed")]
_SUMMARY_ROWS = 8
_NEUTRAL = ("none", "neutral", "other", "unrelated", "observing")

_ARTICLE_STYLE = """
:root{color-scheme:light;--ink:#1f2328;--muted:#5b626b;--rule:#e3e5e8;
--ui:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
--text:Charter,"Bitstream Charter","Sitka Text",Cambria,Georgia,"Times New Roman",serif}
*{box-sizing:border-box}
body{margin:0;background:#fbfaf8;color:var(--ink);font:16px/1.5 var(--ui)}
.page{margin:0 auto;padding:1.8rem clamp(1rem,2.5vw,2.5rem) 4rem}
.cols>.who{max-width:60rem}.doc{max-width:60rem}
@media (min-width:70rem){.cols{display:grid;grid-template-columns:minmax(26rem,2fr) minmax(0,3fr);gap:2.2rem;
align-items:start}.cols>.who{position:sticky;top:0;max-height:100vh;overflow-y:auto;overflow-x:hidden;padding-bottom:1rem}
.cols>.who h2{margin-top:.4rem}.docs>.doc:first-child{margin-top:.4rem}}
.controls{display:flex;flex-wrap:wrap;gap:.5rem 1.6rem;align-items:center;margin:0 0 1rem;padding:.5rem .9rem;
background:#fff;border:1px solid var(--rule);border-radius:8px;font-size:.9rem}
.controls[hidden]{display:none}.controls label{white-space:nowrap;cursor:pointer}
.controls .boxes{display:flex;flex-wrap:wrap;gap:.2rem .8rem;align-items:center}
.controls input[type=range]{vertical-align:middle;width:9rem}.controls .shown{color:var(--muted)}
.s.out{background:none!important;text-decoration:none!important;opacity:.38}.s.out>.tag{display:none}
.strip a.out{opacity:.2}
header h1{font-size:1.6rem;line-height:1.2;margin:0 0 .3rem;letter-spacing:-.01em}
.meta{color:var(--muted);margin:0 0 1rem}
h2{font-size:1.1rem;margin:2rem 0 .6rem}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1.4rem;align-items:center;margin:.2rem 0 1.2rem;padding:.6rem .9rem;
background:#fff;border:1px solid var(--rule);border-radius:8px;font-size:.9rem}
.legend .hint{color:var(--muted)}
.tag{display:inline-block;font:600 .68rem/1.5 var(--ui);letter-spacing:.04em;text-transform:uppercase;color:#fff;
background:var(--c);border-radius:3px;padding:0 .38em;white-space:nowrap;vertical-align:.15em}
.sample{padding:0 .2em;border-radius:2px}
.tag.st-none{color:#454c54;background:#e3e6e9}
.summary{width:100%;table-layout:fixed;border-collapse:collapse;background:#fff;border:1px solid var(--rule);
font-size:.92rem}
.summary th{font-weight:600;text-align:left;white-space:nowrap;color:var(--muted);font-size:.72rem;
text-transform:uppercase;letter-spacing:.02em;border-bottom:1px solid var(--rule);padding:.5rem .45rem}
.summary td{padding:.55rem .45rem 0;vertical-align:top;text-align:left;font-weight:600;overflow-wrap:break-word;
hyphens:auto}
.summary .n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;width:4.4rem}
.summary th.n{white-space:normal}.summary th:nth-child(2){width:6.4rem}
.summary tr.ex td{font:400 .95rem/1.45 var(--text);color:#3a4048;padding:.15rem .45rem .6rem;
border-bottom:1px solid #eef0f2}
.summary a{color:inherit;text-decoration:none;border-bottom:1px solid #c9ced4}
.summary a:hover{border-bottom-color:var(--ink)}
.none-found,.summary .muted{color:var(--muted);font-weight:400}
.summary thead.hidden{visibility:collapse}.summary thead.hidden th{padding:0;border:0;line-height:0;font-size:0}
.more>.summary{border-top:0}
.more>summary{cursor:pointer;color:var(--muted);font-size:.9rem;padding:.4rem .2rem}
.doc{margin-top:2.6rem}
.doc h2{font:600 .95rem var(--ui);color:var(--muted);margin:0 0 .5rem}
.strip{display:flex;gap:2px;margin:0 0 .8rem}
.strip a{flex:1;height:10px;border-radius:2px;background:var(--bg,#e9eaec);border-bottom:3px solid var(--c,#d3d6da)}
.article{position:relative;font:1.14rem/1.75 var(--text);background:#fff;padding:1.6rem 2rem;
border:1px solid var(--rule);border-radius:10px;hyphens:auto;overflow-wrap:break-word}
.article p{margin:0 0 1em}
.s{border-radius:3px;outline:none}
.s:not(.st-none),.sample{background:var(--bg);text-decoration:underline var(--u) var(--c);text-decoration-thickness:2px;
text-underline-offset:.28em;text-decoration-skip-ink:none;-webkit-box-decoration-break:clone;box-decoration-break:clone;
padding:.08em .1em;cursor:pointer}
.s:hover,.s:focus-visible,.s.open{box-shadow:0 0 0 2px var(--c,#b9bec5)}
.s.st-none{cursor:pointer}
.s:target{box-shadow:0 0 0 3px #ffbf47}
mark,.key{background:none;color:inherit;font-weight:700;padding:0 .06em;border-radius:2px}
.holder{box-shadow:inset 0 0 0 1.5px #30363d;background:#fff}
.target{font-style:italic;outline:1.5px dashed #6b7280;outline-offset:-1.5px}
.key{padding:0 .25em}
.tip{display:none;position:absolute;left:1.4rem;right:1.4rem;z-index:5;margin-top:.5rem;max-width:34rem;
background:#fff;color:var(--ink);border:1px solid #cfd4da;border-radius:8px;box-shadow:0 8px 28px rgba(20,30,40,.18);
padding:.7rem .9rem;font:14px/1.45 var(--ui);text-decoration:none;cursor:auto;white-space:normal;text-align:left;
hyphens:none}
.s:hover>.tip,.s:focus>.tip,.s.open>.tip{display:block}
.tip>span{display:block}
.tip .head{font-weight:600;margin-bottom:.35rem}
.tip .row{display:grid;grid-template-columns:5.5rem 1fr;gap:.5rem;align-items:baseline;margin:.15rem 0}
.tip .row>span:first-child:not(.tag){color:var(--muted)}.tip .row>.tag{justify-self:start}
.tip .code{color:var(--muted)}
.tip .probs{display:grid;grid-template-columns:5.5rem 1fr 2.8rem;gap:.1rem .5rem;align-items:center;margin:.45rem 0}
.tip .probs i{display:block;height:7px;border-radius:4px;background:var(--c,#9aa1a9)}
.tip .probs b{font-weight:400;text-align:right;font-variant-numeric:tabular-nums}
.tip .why code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f1f3f5;border-radius:3px;
padding:0 .3em;margin:0 .25em .2em 0;display:inline-block}
.tip .muted{color:var(--muted)}
.tip .where{color:var(--muted);font-size:12.5px;margin-top:.35rem}
footer{margin-top:2rem;color:var(--muted);font-size:.85rem}
@media print{.tip,.strip{display:none!important}body{background:#fff}.article{border:0;padding:0}}
"""

_SCRIPT = """<script>
document.addEventListener('click',function(e){
  var s=e.target.closest('.s');if(e.target.closest('.tip'))return;
  document.querySelectorAll('.s.open').forEach(function(o){if(o!==s)o.classList.remove('open')});
  if(s&&!s.classList.toggle('open'))s.blur();});
document.addEventListener('keydown',function(e){if(e.key==='Escape')
  document.querySelectorAll('.s.open').forEach(function(o){o.classList.remove('open');o.blur()});});
</script>"""


_FILTER_SCRIPT = r"""<script>
(function(){
var D=JSON.parse(document.getElementById('data').textContent),form=document.getElementById('controls');
if(!form)return;form.hidden=false;
var q=new URLSearchParams(location.search),boxes=form.querySelectorAll('input[name=stance]');
if(q.has('stance')){var want=q.get('stance').split(',');boxes.forEach(function(b){b.checked=want.indexOf(b.value)>=0})}
if(q.has('min')){var m=parseFloat(q.get('min'))||0;form.elements.min.value=m<=1?m*100:m}
if(q.has('view')){var v0=form.querySelector('input[name=view][value="'+q.get('view')+'"]');if(v0)v0.checked=true}
function esc(t){return String(t).replace(/[&<>"]/g,function(c){return{'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]})}
function row(c){return '<tr class="cell"><td>'+esc(c.h)+'</td><td>'+(D.tags[c.st]||esc(c.st))+'</td><td>'
 +(c.t?esc(c.t):'<span class=muted>no target</span>')+'</td><td class="n">'+c.n+'</td><td class="n">'
 +Math.round(100*c.w/c.n)+'%</td></tr><tr class="ex"><td colspan="5"><a href="#'+c.a+'">'+esc(c.x)+'</a></td></tr>'}
function apply(){
 var chosen={},all=true;boxes.forEach(function(b){if(b.checked)chosen[b.value]=1;else all=false});
 var min=form.elements.min.value/100,v=form.querySelector('input[name=view]:checked'),states=!v||v.value==='states';
 document.getElementById('minout').textContent=Math.round(min*100)+'%';
 var cells={},shown=0;
 D.sentences.forEach(function(r){
  var keep=!(r.c<min)&&(all||chosen[r.l]||r.s.some(function(a){return chosen[a[2]]}));
  shown+=keep?1:0;
  var el=document.getElementById(r.a);if(el)el.classList.toggle('out',!keep);
  var st=document.querySelector('.strip a[data-for="'+r.a+'"]');if(st)st.classList.toggle('out',!keep);
  if(r.l==='none'||r.c<min)return;
  r.s.forEach(function(a){
   if(!a[0]||!(all||chosen[a[2]]))return;
   var h=states?a[4]:a[0],t=states?a[5]:a[1];if(t&&t===h)return;
   var k=h+'\u0000'+t+'\u0000'+a[2],c=cells[k];
   if(!c)cells[k]={h:h,t:t,st:a[2],n:1,w:a[3],b:a[3],x:r.t,a:r.a};
   else{c.n++;c.w+=a[3];if(a[3]>c.b){c.b=a[3];c.x=r.t;c.a=r.a}}});});
 var list=Object.keys(cells).map(function(k){return cells[k]});
 function cmp(a,b){return a<b?-1:a>b?1:0}
 list.sort(function(a,b){return b.n-a.n||Math.round(1e4*b.w)-Math.round(1e4*a.w)||cmp(a.h,b.h)||cmp(a.t,b.t)
  ||cmp(a.st,b.st)});
 var th=D.head,out;
 if(!list.length)out='<p class="none-found">No actor stance found.</p>';
 else{out='<table class="summary">'+th+'<tbody>'+list.slice(0,D.rows).map(row).join('')+'</tbody></table>';
  if(list.length>D.rows)out+='<details class="more"><summary>Show '+(list.length-D.rows)+' more</summary>'
   +'<table class="summary">'+th.replace('<thead>','<thead class="hidden">')+'<tbody>'
   +list.slice(D.rows).map(row).join('')+'</tbody></table></details>'}
 document.getElementById('summary').innerHTML=out;
 var rolled=document.getElementById('rolled');if(rolled)rolled.hidden=!states;
 document.getElementById('shown').textContent=shown+' of '+D.sentences.length+' sentences shown';}
form.addEventListener('input',apply);form.addEventListener('change',apply);apply();
})();
</script>"""


def _looks(labels) -> dict[str, tuple[str, str, str, str, str]]:
    """Label -> (css class, colour, background, symbol, underline style); stable for the project's labels."""
    out, spare = {}, iter(_OTHER_LOOKS * 4)
    for i, label in enumerate(labels):
        if label in _NEUTRAL and label not in _STANCE_LOOK:
            out[label] = ("st-none", "#b9bec5", "#eef0f2", "·", "none")
        else:
            c, bg, sym, deco = _STANCE_LOOK.get(label) or next(spare, _OTHER_LOOKS[-1])
            out[label] = (f"st-{i}", c, bg, sym, deco)
    return out


def _label_order(records) -> list[str]:
    seen = {r["stance"] for r in records} | {k[2:] for r in records for k in r if k.startswith("p_")}
    seen |= {st.get("stance") for r in records for st in (r.get("stances") or []) if st.get("stance")}
    known = [s for s in _STANCE_LOOK if s in seen]
    return known + sorted(seen - set(known) - set(_NEUTRAL)) + [s for s in _NEUTRAL if s in seen]


def _tag(label: str, looks) -> str:
    cls, _, _, sym, _ = looks.get(label, ("st-x", "", "", "•", ""))
    return f'<span class="tag {cls}">{html.escape(sym)} {html.escape(label)}</span>'


def _stances(r: dict) -> list[dict]:
    """Every actor stance of a sentence record: its ``stances`` list when present, else its own holder/target/stance."""
    if r.get("stances"):
        return [st for st in r["stances"] if st.get("stance")]
    if r.get("stance") in _NEUTRAL or not (r.get("holder") or r.get("target")):
        return []
    return [{k: r.get(k) for k in ("holder", "holder_code", "target", "target_code", "stance", "confidence")}]


def _marked(text: str, stances: list[dict], registry) -> str:
    """The sentence, escaped, with the holders and targets of its stances marked as whole names (the registry's
    aliases too: "Moscow" for Russia), never inside a longer word ("Russia" is not marked in "Russian")."""
    roles: dict[str, tuple[str, str]] = {}
    for st in stances:
        for role in ("holder", "target"):
            name = st.get(role) or ""
            if name and name not in roles:
                roles[name] = (role, st.get(f"{role}_code") or "")
    spans: list[tuple[int, int, str]] = []
    if registry is not None and roles:
        spans += [(m.start, m.end, m.actor.name) for m in registry.mentions(text) if m.actor and m.actor.name in roles]
    for name in roles:
        spans += [(m.start(), m.end(), name) for m in re.finditer(rf"(?<![\w.]){re.escape(name)}(?!\w)", text)]
    out, last = [], 0
    for start, end, name in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < last:
            continue
        role, code = roles[name]
        label = f"{role}: {name}" + (f" ({code})" if code else "")
        out += [html.escape(text[last:start]),
                f'<mark class="{role}" title="{html.escape(label)}">{html.escape(text[start:end])}</mark>']
        last = end
    return "".join(out) + html.escape(text[last:])


def _who(st: dict) -> str:
    def name(role):
        n, code = st.get(role) or "", st.get(f"{role}_code") or ""
        return f"<b>{html.escape(n or '?')}</b>" + (f' <span class="code">({html.escape(code)})</span>'
                                                  if code and code != n else "")
    return f'{name("holder")} → {name("target") if st.get("target") else "<i>no target found</i>"}'


def _tip(r: dict, stances: list[dict], looks) -> str:
    probs = sorted(((k[2:], v) for k, v in r.items() if k.startswith("p_") and isinstance(v, (int, float))),
                   key=lambda kv: -kv[1])
    bars = "".join(f'<span class="{looks.get(c, ("",))[0]}">{html.escape(c)}</span>'
                   f'<span class="{looks.get(c, ("",))[0]}"><i style="width:{max(v, .01) * 100:.0f}%"></i></span>'
                   f'<b>{v:.0%}</b>' for c, v in probs)
    several = len(stances) > 1 or any(st["stance"] != r["stance"] for st in stances)
    conf = lambda st: (f' · {st["confidence"]:.0%}'  # noqa: E731
                       if isinstance(st.get("confidence"), (int, float)) else "")
    rows = "".join(f'<span class="row">{_tag(st["stance"], looks) if several else "<span>who</span>"}'
                   f'<span>{_who(st)}{conf(st) if several else ""}</span></span>' for st in stances)
    why = "".join(f'<code title="weight {w}">{html.escape(str(n))}</code>' for n, w, *_ in r.get("explanation") or [])
    where = " · ".join(x for x in (f'sentence {r["sentence"]}' if "sentence" in r else "",
                                   f'characters {r["start"]}–{r["end"]}' if "start" in r else "") if x)
    return ('<span class="tip" role="tooltip">'
            f'<span class="head">{_tag(r["stance"], looks)} probability {r["confidence"]:.0%}</span>'
            + (rows or '<span class="muted">No actor stance found in this sentence.</span>')
            + (f'<span class="probs">{bars}</span>' if bars else "")
            + (f'<span class="why">Pushed toward {html.escape(r["stance"])} by: {why}</span>' if why else "")
            + (f'<span class="where">{where}</span>' if where else "") + "</span>")


def _sentence(r: dict, anchor: str, looks, registry) -> str:
    stances = _stances(r)
    cls = looks[r["stance"]][0]
    tag = _tag(r["stance"], looks) + " " if cls != "st-none" else ""
    return (f'<span class="s {cls}" id="{anchor}" data-sentence="{html.escape(str(r.get("sentence", "")))}" '
            f'data-stance="{html.escape(r["stance"])}" tabindex="0">{tag}{_marked(r["text"], stances, registry)}'
            f'{_tip(r, stances, looks)}</span>')


def _paragraphs(recs: list[dict]) -> list[list[dict]]:
    """Sentences grouped into the article's paragraphs (each record's ``paragraph``)."""
    groups: list[list[dict]] = []
    for prev, r in zip([None, *recs], recs):
        if prev is None or r.get("paragraph") != prev.get("paragraph"):
            groups.append([])
        groups[-1].append(r)
    return groups


def _summary_rows(cells: list[dict], looks, anchors: dict) -> str:
    """The rows of the "who stands where" table (the static page; the script renders the same from the data)."""
    rows = []
    for c in cells:
        example = c["example"] if len(c["example"]) <= 150 else c["example"][:147].rsplit(" ", 1)[0] + " …"
        doc = anchors.get(c.get("example_file"))
        link = (f'<a href="#d{doc}-s{c["example_sentence"]}">{html.escape(example)}</a>'
                if doc is not None and c.get("example_sentence") is not None else html.escape(example))
        rows.append(f'<tr class="cell"><td>{html.escape(c["holder"])}</td><td>{_tag(c["stance"], looks)}</td>'
                    f'<td>{html.escape(c["target"]) or "<span class=muted>no target</span>"}</td>'
                    f'<td class="n">{c["count"]}</td>'
                    f'<td class="n">{c["mean_confidence"]:.0%}</td></tr>'
                    f'<tr class="ex"><td colspan="5">{link}</td></tr>')
    return rows


_SUMMARY_HEAD = ('<thead><tr><th>Holder</th><th>Stance</th><th>Target</th><th class="n">Sentences</th>'
                 '<th class="n">Mean conf.</th></tr></thead>')


def _summary_table(rows: list[str]) -> str:
    if not rows:
        return '<p class="none-found">No actor stance found.</p>'
    out = f'<table class="summary">{_SUMMARY_HEAD}<tbody>{"".join(rows[:_SUMMARY_ROWS])}</tbody></table>'
    if len(rows) > _SUMMARY_ROWS:  # the rest folded away, so the article stays near the top; no JavaScript needed
        out += (f'<details class="more"><summary>Show {len(rows) - _SUMMARY_ROWS} more</summary>'
                f'<table class="summary">{_SUMMARY_HEAD.replace("<thead>", "<thead class=hidden>")}'
                f'<tbody>{"".join(rows[_SUMMARY_ROWS:])}</tbody></table></details>')
    return out


def _page_data(docs, registry, looks) -> str:
    """What the page's script filters and counts, as JSON safe inside <script>: per sentence its anchor, stance,
    confidence, text (cut as the table shows it) and actor stances (holder, target, stance, confidence, and the
    holder's and target's state); the tag of each stance."""
    sentences = []
    roll = registry.roll_up if registry is not None else (lambda name: name)
    for d, (_, recs) in enumerate(docs):
        for r in recs:
            text = r.text if len(r.text) <= 150 else r.text[:147].rsplit(" ", 1)[0] + " …"
            sentences.append({"a": f"d{d}-s{r.index}", "l": r.label,
                              "c": round(r.confidence, 6), "t": text,
                              "s": [[a.holder, a.target or "", a.stance, round(a.confidence, 6), roll(a.holder),
                                     roll(a.target) if a.target else ""] for a in r.stances]})
    data = {"sentences": sentences, "tags": {label: _tag(label, looks) for label in looks}, "rows": _SUMMARY_ROWS,
            "head": _SUMMARY_HEAD}
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace("&", "\\u0026")


def predictions_html(docs, registry=None, title: str = "Stance report") -> str:
    """One self-contained page (no network, no external assets): who stands where beside the articles on a wide
    window (above them on a narrow one), then each article with every sentence tinted, labelled and underlined by its
    stance and its holders and targets marked; hover, focus or click a sentence for its actor stances, probabilities
    and the n-grams that drove the decision.

    With JavaScript the page also filters, without a server: by stance and by minimum confidence (sentences left out
    are greyed, the summary is counted again over the rest as ``stance summarize`` with ``--stance`` and
    ``--min-confidence`` counts it), and switches the summary between actors and their states (with a registry). The
    query string sets them too: ``report.html?stance=condemn,hedge&min=0.6&view=actors``.

    ``docs`` are (name, records) pairs, records :class:`stance.records.SentenceStance` (their paragraphs are kept)."""
    from stance.summary import summarize

    records = [r for _, recs in docs for r in recs]
    cells = summarize(records, registry)
    dicts = [(name, [r.to_dict() for r in recs]) for name, recs in docs]
    all_records = [r for _, recs in dicts for r in recs]
    looks = _looks(_label_order(all_records))
    data = _page_data(docs, registry, looks)
    docs = dicts
    css = "".join(f".{cls}{{--c:{c};--bg:{bg};--u:{deco}}}" for cls, c, bg, _, deco in looks.values())
    anchors = {file: i for i, (name, recs) in enumerate(docs) for file in (name, *(r.get("file") for r in recs))}

    counts = {label: sum(r["stance"] == label for r in all_records) for label in looks}
    n_docs = len(docs)
    meta = (f'{n_docs} article{"s" * (n_docs != 1)} · {len(all_records)} sentences: '
            + ", ".join(f"{n} {html.escape(label)}" for label, n in counts.items() if n))

    legend = "".join(f'<span>{_tag(label, looks)} <span class="sample {looks[label][0]}">{html.escape(label)} '
                     f'sentence</span></span>' for label in looks if looks[label][0] != "st-none")
    legend += ('<span><span class="key holder">holder</span> and <span class="key target">target</span> '
               '</span><span class="hint">Hover over, tap or click a sentence for details.</span>')

    boxes = "".join(f'<label><input type="checkbox" name="stance" value="{html.escape(label)}" checked> '
                    f'{_tag(label, looks)}</label>' for label in looks)
    views = ('<span class="views">Summary by <label><input type="radio" name="view" value="states" checked> '
             'states</label> <label><input type="radio" name="view" value="actors"> actors</label></span>'
             if registry is not None else "")
    controls = (f'<form class="controls" id="controls" hidden><span class="boxes">Show {boxes}</span>'
                '<label class="conf">minimum confidence <input type="range" name="min" min="0" max="100" step="5" '
                f'value="0"> <output id="minout">0%</output></label>{views}'
                '<span class="shown" id="shown"></span></form>')

    rolled = (' <span id="rolled">People and ministries are counted with the state they belong to.</span>'
              if registry is not None else "")
    who = (f'<section class="who"><h2>Who stands where</h2><div id="summary">'
           f'{_summary_table(_summary_rows(cells, looks, anchors))}</div>'
           f'<p class="meta" style="margin-top:.5rem;font-size:.85rem">Each row counts the sentences in which the '
           f'holder takes that stance toward the target, with the one the model is surest of; click it to read it in '
           f'context.{rolled}</p></section>')
    articles = []
    for d, (name, recs) in enumerate(docs):
        anchor = {id(r): f'd{d}-s{r.get("sentence", i)}' for i, r in enumerate(recs)}
        strip = "".join(f'<a class="{looks[r["stance"]][0]}" href="#{anchor[id(r)]}" data-for="{anchor[id(r)]}" '
                        f'title="{html.escape(r["stance"])}: {html.escape(r["text"][:80])}"></a>' for r in recs)
        paragraphs = "".join(
            "<p>" + " ".join(_sentence(r, anchor[id(r)], looks, registry) for r in group) + "</p>"
            for group in _paragraphs(recs))
        articles.append(f'<section class="doc" id="d{d}"><h2>{html.escape(str(name))} · {len(recs)} sentences</h2>'
                        f'<nav class="strip" aria-label="sentences by stance">{strip}</nav>'
                        f'<div class="article">{paragraphs}</div></section>')
    body = [f'<header><h1>{html.escape(title)}</h1><p class="meta">{meta}</p></header>',
            f'<div class="legend">{legend}</div>', controls,
            f'<div class="cols">{who}<div class="docs">{"".join(articles)}</div></div>',
            '<footer>Stances come from a statistical model and a rule-based actor finder: read them as pointers '
            'to sentences worth checking, not as facts. Percentages are the model\'s probabilities.</footer>']
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{html.escape(title)}</title>'
            f"<style>{_ARTICLE_STYLE}{css}</style></head><body><main class=\"page\">{''.join(body)}</main>"
            f'<script type="application/json" id="data">{data}</script>'
            f"{_SCRIPT}{_FILTER_SCRIPT}</body></html>\n")


# --- stances over time (stance summarize --format html) --------------------------------------------------------------

_OVER_TIME_STYLE = """
:root{color-scheme:light;--ink:#1f2328;--muted:#5b626b;--rule:#e3e5e8}
*{box-sizing:border-box}
body{margin:0;background:#fbfaf8;color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{padding:1.4rem 1.6rem 3rem}
h1{font-size:1.5rem;margin:0 0 .3rem}.meta{color:var(--muted);margin:0 0 .8rem}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.4rem;align-items:center;margin:0 0 1rem;font-size:.9rem}
.legend svg{vertical-align:middle;margin-right:.3rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(310px,1fr));gap:.9rem}
.pair{background:#fff;border:1px solid var(--rule);border-radius:8px;padding:.55rem .7rem .3rem}
.pair h2{font-size:.95rem;line-height:1.35;min-height:2.7em;margin:0;font-weight:600;overflow-wrap:anywhere}
.pair .n{color:var(--muted);font-weight:400;font-size:.85rem}
.pair svg{display:block;width:100%;height:auto}
details{margin-top:1.6rem}summary{cursor:pointer;color:var(--muted)}
table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem}td,th{padding:.2rem .6rem;border-bottom:1px solid #e4e6ea;
text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
footer{margin-top:1.6rem;color:var(--muted);font-size:.85rem}
"""
_DASH = {"support": "", "condemn": "7 3", "hedge": "2 3"}
_OVER_TIME_PAIRS = 48


def _over_time_svg(xs: list[str], series: dict[str, list[int]], looks, bars: bool = False) -> str:
    """One small chart: a line per stance over ``xs`` (date bins), or with ``bars`` a bar per stance in each of
    ``xs`` (values without an order, such as documents); its own y scale (0 to the largest count, both labelled)."""
    w, h, left, right, top, bottom = 320, 150, 30, 10, 10, 34
    peak = max((v for vals in series.values() for v in vals), default=0) or 1
    inner = w - left - right
    band = inner / max(len(xs), 1)
    if bars:
        px = lambda i: left + band * (i + 0.5)  # noqa: E731
    else:
        step = inner / max(len(xs) - 1, 1)
        px = lambda i: left + (step * i if len(xs) > 1 else inner / 2)  # noqa: E731
    py = lambda v: h - bottom - (h - top - bottom) * v / peak  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" font-family="sans-serif" '
             f'font-size="10" role="img" aria-label="sentences per stance over {len(xs)} '
             f'{"groups" if bars else "bins"}">',
             f'<line x1="{left}" y1="{py(0):.1f}" x2="{w - right}" y2="{py(0):.1f}" stroke="#889"/>',
             f'<line x1="{left}" y1="{py(peak):.1f}" x2="{w - right}" y2="{py(peak):.1f}" stroke="#eef"/>',
             f'<text x="{left - 4}" y="{py(0) + 3:.1f}" text-anchor="end">0</text>',
             f'<text x="{left - 4}" y="{py(peak) + 3:.1f}" text-anchor="end">{peak}</text>']
    ticks = list(range(len(xs))) if len(xs) <= (6 if bars else 2) else sorted({0, len(xs) - 1, (len(xs) - 1) // 2})
    room = max(int((band if len(ticks) == len(xs) else inner / len(ticks)) / 6), 3)  # characters a label may take
    for i in ticks:
        label = xs[i] if len(xs[i]) <= room else xs[i][:room - 1] + "…"
        edge = not bars and len(xs) > 1
        anchor = "start" if edge and i == 0 else "end" if edge and i == len(xs) - 1 else "middle"
        parts.append(f'<line x1="{px(i):.1f}" y1="{py(0):.1f}" x2="{px(i):.1f}" y2="{py(0) + 4:.1f}" stroke="#889"/>')
        parts.append(f'<text x="{px(i):.1f}" y="{py(0) + 15:.1f}" text-anchor="{anchor}">{html.escape(label)}'
                     f"<title>{html.escape(xs[i])}</title></text>")
    for k, (stance, vals) in enumerate(series.items()):
        colour = looks[stance][1]
        dash = _DASH.get(stance, "4 2")
        if bars:
            bw = band * 0.8 / len(series)
            for i, v in enumerate(vals):
                if v:
                    x = left + band * i + band * 0.1 + bw * k
                    parts.append(f'<rect x="{x:.1f}" y="{py(v):.1f}" width="{bw:.1f}" height="{py(0) - py(v):.1f}" '
                                 f'fill="{colour}"><title>{html.escape(xs[i])}: {v} {html.escape(stance)}</title>'
                                 "</rect>")
            continue
        if len(xs) > 1:
            pts = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(vals))
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.8"'
                         + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        for i, v in enumerate(vals):
            if v:
                parts.append(f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="2.6" fill="{colour}">'
                             f'<title>{html.escape(xs[i])}: {v} {html.escape(stance)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def over_time_html(cells: list[dict], groups: list[str], order: list[tuple], bin: str | None = None,
                   rolled_up: bool = False, title: str | None = None) -> str:
    """One self-contained page (no network, no assets, no script) of ``stance summarize --format html``: a small
    chart per holder -> target pair (the most frequent first), sentences per stance over the first group's values
    (``order``: :meth:`stance.summary.Summary.groups`), every date bin from the first to the last when the first
    group is ``date`` (``bin``), empty bins included, drawn as lines; other groups (documents, a column's values) as
    bars; the counts in a table below."""
    from stance.summary import NO_DATE, bins_between

    first = groups[0] if groups else None
    title = title or ("Stances over time" if bin else f"Stances by {first}" if first else "Stances")
    if first is None:
        xs = ["all"]
    else:
        seen = list(dict.fromkeys(g[0] for g in order))
        dated = [x for x in seen if x != NO_DATE]
        xs = bins_between(dated[0], dated[-1], bin) if bin and dated else dated if bin else seen
        if bin and NO_DATE in seen:
            xs.append(NO_DATE)
    rest = groups[1:]
    pairs: dict[tuple, dict[str, list[int]]] = {}
    totals: dict[tuple, int] = {}
    where = {x: i for i, x in enumerate(xs)}
    stances_seen = []
    for c in cells:
        key = (c["holder"], c["target"], *(c[g] for g in rest))
        x = where.get(c[first]) if first else 0
        if x is None:
            continue
        series = pairs.setdefault(key, {})
        series.setdefault(c["stance"], [0] * len(xs))[x] += c["count"]
        totals[key] = totals.get(key, 0) + c["count"]
        if c["stance"] not in stances_seen:
            stances_seen.append(c["stance"])
    looks = _looks(_label_order([{"stance": s} for s in stances_seen]))
    ranked = sorted(pairs, key=lambda k: (-totals[k], k))
    shown = [Path(x).name or x if first == "document" else x for x in xs]  # a document by its file name
    panels = []
    for key in ranked[:_OVER_TIME_PAIRS]:
        holder, target, *more = key
        series = {s: pairs[key][s] for s in looks if s in pairs[key]}
        extra = "".join(f" · {html.escape(g)} {html.escape(str(v))}" for g, v in zip(rest, more))
        panels.append(f'<section class="pair"><h2>{html.escape(holder)} → '
                      f'{html.escape(target) if target else "<i>no target</i>"}{extra} '
                      f'<span class="n">{totals[key]} sentence{"s" * (totals[key] != 1)}</span></h2>'
                      f'{_over_time_svg(shown, series, looks, bars=not bin)}'
                      "</section>")
    legend = "".join(
        f'<span><svg width="34" height="10" aria-hidden="true"><line x1="0" y1="5" x2="34" y2="5" '
        f'stroke="{looks[s][1]}" stroke-width="2.2"' + (f' stroke-dasharray="{_DASH.get(s, "4 2")}"'
                                                       if _DASH.get(s, "4 2") else "")
        + f'/></svg>{html.escape(s)}</span>' for s in looks)
    what = (f"per {bin}" if bin else f"per {html.escape(first)}") if first else "over all inputs"
    n = sum(totals.values())
    more = (f" The {len(ranked) - _OVER_TIME_PAIRS} less frequent pairs are in the table only."
            if len(ranked) > _OVER_TIME_PAIRS else "")
    meta = (f"{n} actor stances in {len(pairs)} holder → target pairs, counted {what}"
            + (", people and ministries rolled up to their state" if rolled_up else "") + ". "
            "Each chart has its own scale (0 to its largest count)." + more)
    head = "".join(f"<th>{html.escape(g)}</th>" for g in groups)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(c[g]))}</td>" for g in groups)
                   + f'<td>{html.escape(c["holder"])}</td><td>{html.escape(c["target"])}</td>'
                   f'<td>{html.escape(c["stance"])}</td><td class="n">{c["count"]}</td>'
                   f'<td class="n">{c["mean_confidence"]:.2f}</td></tr>' for c in cells)
    body = (f'<main><h1>{html.escape(title)}</h1><p class="meta">{meta}</p><div class="legend">{legend}</div>'
            f'<div class="grid">{"".join(panels) or "<p>No actor stance found.</p>"}</div>'
            f"<details><summary>Every count ({len(cells)} rows)</summary><table><tr>{head}<th>holder</th>"
            f'<th>target</th><th>stance</th><th class="n">sentences</th><th class="n">mean conf.</th></tr>{rows}'
            "</table></details><footer>Stances come from a statistical model and a rule-based actor finder: read "
            "them as pointers to sentences worth checking, not as facts.</footer></main>")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{html.escape(title)}</title>'
            f"<style>{_OVER_TIME_STYLE}</style></head><body>{body}</body></html>\n")
