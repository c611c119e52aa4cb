"""The report page: plain HTML and inline CSS, every value from the run escaped, plots as data URLs."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

from curation.report.data import EXCLUDED, KEPT, Distribution, Example, RunData, Tally, approx_median, median_bin
from curation.run.funnel import StepCounts

CSS = """
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328;
       margin: 0; background: #f6f7f9; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e4e7eb; }
h3 { font-size: 16px; margin: 26px 0 8px; }
code, pre, .mono { font-family: "SFMono-Regular", Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
.subtitle { color: #59636e; margin: 0 0 16px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.facts dt { color: #59636e; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
nav { margin: 18px 0 0; font-size: 14px; }
nav a { margin-right: 14px; }
a { color: #2f6f9f; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 14px; }
th, td { padding: 4px 12px; border-bottom: 1px solid #e4e7eb; text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; border-top: 2px solid #c9ced6; }
.banner { padding: 8px 14px; border-radius: 6px; margin: 16px 0 0; }
.banner.ok { background: #e6f4ea; color: #1e5631; }
.banner.bad { background: #fdecea; color: #8a1c13; }
.note { color: #59636e; font-style: italic; margin: 4px 0 12px; }
img.plot { display: block; max-width: 100%; height: auto; margin: 8px 0 12px; border: 1px solid #eef0f3; }
details { margin: 6px 0; border: 1px solid #e4e7eb; border-radius: 6px; padding: 6px 12px; }
details[open] { padding-bottom: 10px; }
summary { cursor: pointer; }
summary .count { color: #59636e; }
.example { margin: 10px 0 0; padding: 8px 0 0; border-top: 1px dashed #e4e7eb; }
.example .meta { font-size: 13px; color: #59636e; }
.example .detail { font-size: 13px; margin: 2px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.text { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: 8px 10px;
           border-radius: 4px; margin: 4px 0 0; }
.failed { color: #c0392b; }
"""
"""The page's only style sheet."""


def esc(value: object) -> str:
    """Text of any value, HTML-escaped (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


def fmt_int(n: float) -> str:
    """An integer with thousands separators."""
    return f"{int(n):,}"


def fmt_float(x: float, decimals: int) -> str:
    """A number with a fixed number of decimals; a dash for a missing value."""
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.{decimals}f}"


def table(head: list[str], rows: Iterable[list[object]], numeric: Iterable[int] = (), total_last: bool = False) -> str:
    """An HTML table; every cell is escaped; ``numeric`` columns are right-aligned."""
    numeric = set(numeric)
    rows = list(rows)

    def cls(i: int) -> str:
        """The class attribute of a cell in column ``i``."""
        return ' class="num"' if i in numeric else ""

    out = ["<table><thead><tr>", *(f"<th{cls(i)}>{esc(h)}</th>" for i, h in enumerate(head)), "</tr></thead><tbody>"]
    for r, row in enumerate(rows):
        total = ' class="total"' if total_last and r == len(rows) - 1 and len(rows) > 1 else ""
        out.append(f"<tr{total}>" + "".join(f"<td{cls(i)}>{esc(v)}</td>" for i, v in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def image(png: str, alt: str) -> str:
    """An embedded PNG (base64) with its alternative text."""
    return f'<img class="plot" alt="{esc(alt)}" src="data:image/png;base64,{png}">'


def note(text: str) -> str:
    """A short remark in place of something not shown."""
    return f'<p class="note">{esc(text)}</p>'


# --- sections -------------------------------------------------------------------------------------

def header(run: RunData, generated: str) -> str:
    """Title, the run's facts from ``run.json``, accounting status and the table of contents."""
    info = run.info
    sources = ", ".join(
        f"{s.get('name')} ({s.get('license')}, {s.get('route')})" for s in info.get("sources") or []
    )
    facts = [
        ("Recipe", info.get("recipe_file") or "(built in code)"),
        ("Config hash", info.get("config_hash")),
        ("Date", info.get("created")),
        ("biomedfr", info.get("biomedfr_version")),
        ("Token counter", info.get("token_counter")),
        ("Executor", info.get("executor")),
        ("Document limit", "none" if info.get("limit", -1) in (-1, None) else info.get("limit")),
        ("Sources", sources or "–"),
        ("Steps", " → ".join(info.get("steps") or []) or "–"),
    ]
    dl = "".join(f"<dt>{esc(k)}</dt><dd{_mono(k)}>{esc(v)}</dd>" for k, v in facts)
    return (
        f"<h1>Curation report: {esc(info.get('name', '?'))}</h1>"
        f'<p class="subtitle">Generated {esc(generated)} from the run folder.</p>'
        f'<dl class="facts">{dl}</dl>{_accounting(run)}'
        '<nav><a href="#funnel">Funnel</a><a href="#reasons">Excluded and failed</a>'
        '<a href="#examples">Examples</a><a href="#distributions">Distributions</a></nav>'
    )


def _mono(key: str) -> str:
    """Facts shown in a monospace font."""
    return ' class="mono"' if key in {"Config hash", "Recipe"} else ""


def _accounting(run: RunData) -> str:
    """The accounting banner: all accounted for, the problems, or no stats at all."""
    if not run.steps:
        return '<p class="banner bad">No stats found: the run has not finished (or its logs/ folder is missing).</p>'
    if run.problems:
        items = "".join(f"<li>{esc(p)}</li>" for p in run.problems)
        return f'<div class="banner bad">Accounting problems:<ul>{items}</ul></div>'
    return '<p class="banner ok">Every document is accounted for: kept + excluded + failed = input at every step.</p>'


def funnel_section(steps: list[StepCounts], plot: str | None) -> str:
    """The funnel table (in, kept, out, excluded, failed per step) and its plot."""
    rows = []
    for c in steps:
        if c.kind == "write":
            rows.append(["written", fmt_int(c.n_in), "", fmt_int(c.out), "", "", "", f"{c.seconds:.1f}"])
            continue
        rows.append([
            c.label, fmt_int(c.n_in), fmt_int(c.kept), fmt_int(c.out), fmt_int(c.n_excluded), fmt_int(c.n_failed),
            fmt_int(c.passed_through) if c.passed_through else "", f"{c.seconds:.1f}",
        ])
    head = ["step", "in", "kept", "out", "excluded", "failed", "passed through", "seconds"]
    body = table(head, rows, numeric=range(1, 8)) if rows else note("No step stats in this run folder.")
    plot_html = image(plot, "Documents at each step") if plot else ""
    return '<h2 id="funnel">Funnel</h2>' + body + plot_html + counters_table(steps)


def counters_table(steps: list[StepCounts]) -> str:
    """Other counters the steps keep (``changed``, ``pii.email``...), or nothing when there is none."""
    rows = [
        [c.label, key, fmt_int(metric.total)]
        for c in steps if c.kind == "step"
        for key, metric in sorted(c.extra.items())
    ]
    if not rows:
        return ""
    return "<h3>Other counters of the steps</h3>" + table(["step", "counter", "total"], rows, numeric=[2])


def reasons_section(steps: list[StepCounts]) -> str:
    """Excluded and failed documents by step and reason."""
    rows = []
    for c in steps:
        rows += [[c.label, "excluded", reason, fmt_int(n)] for reason, n in sorted(c.excluded.items())]
        rows += [[c.label, "failed", reason, fmt_int(n)] for reason, n in sorted(c.failed.items())]
    body = table(["step", "outcome", "reason", "documents"], rows, numeric=[3]) if rows else note(
        "No document was excluded and none failed.")
    return '<h2 id="reasons">Excluded and failed, by step and reason</h2>' + body


def examples_section(examples: dict[str, dict[tuple[str, str], list[Example]]], steps: list[StepCounts]) -> str:
    """A few documents per exclusion reason (and per failure reason), each group foldable."""
    totals = {(c.label, r): n for c in steps for r, n in c.excluded.items()}
    totals.update({(c.label, f"failed:{r}"): n for c in steps for r, n in c.failed.items()})
    parts = ['<h2 id="examples">Examples</h2>']
    for kind, title in (("excluded", "Excluded documents"), ("failed", "Failed documents")):
        found = examples.get(kind, {})
        parts.append(f"<h3>{title}</h3>")
        if not found:
            parts.append(note(f"No {kind} document."))
            continue
        for (label, reason), shown in found.items():
            total = totals.get((label, reason if kind == "excluded" else f"failed:{reason}"), len(shown))
            parts.append(_example_block(label, reason, kind, shown, total))
    return "".join(parts)


def _example_block(label: str, reason: str, kind: str, shown: list[Example], total: int) -> str:
    """A foldable group of examples for one (step, reason)."""
    css = ' class="failed"' if kind == "failed" else ""
    summary = (
        f"<summary><code>{esc(label)}</code> · <strong{css}>{esc(reason)}</strong> "
        f'<span class="count">— {len(shown)} of {fmt_int(total)} shown</span></summary>'
    )
    items = "".join(_example(e, kind) for e in shown) or note("Records not found on disk.")
    return f"<details open>{summary}{items}</details>"


def _example(e: Example, kind: str) -> str:
    """One example: id, source, detail or error, and the start of the text."""
    label = "error" if kind == "failed" else "detail"
    detail = f'<div class="detail"><strong>{label}:</strong> {esc(e.detail)}</div>' if e.detail else ""
    more = "…" if e.truncated else ""
    return (
        f'<div class="example"><div class="meta"><code>{esc(e.id)}</code> · source {esc(e.source)}</div>'
        f'{detail}<pre class="text">{esc(e.text)}{more}</pre></div>'
    )


def distribution_block(dist: Distribution, overall: str | None, per_source: str | None) -> str:
    """One metric: its plots (or why they are skipped), a summary table, and thresholds if any."""
    m = dist.metric
    parts = [f'<h3 id="dist-{esc(m.key)}">{esc(m.title)}</h3>']
    if dist.empty or overall is None:
        parts.append(note(f"Plot skipped: {m.empty_note}."))
        return "".join(parts)
    parts.append(image(overall, f"{m.title}: all sources"))
    if per_source:
        parts.append(image(per_source, f"{m.title}: by source"))
    parts.append(summary_table(dist))
    if m.thresholds:
        parts.append(threshold_table(dist))
    return "".join(parts)


def _rows(dist: Distribution) -> list[tuple[str, str, Tally]]:
    """(group, source, tally) rows of the tables: kept per source, kept overall, excluded overall."""
    rows = [(KEPT, s, dist.tallies[(KEPT, s)]) for s in dist.sources(KEPT)]
    kept = dist.combined(KEPT)
    if kept is not None and len(rows) > 1:
        rows.append((KEPT, "all sources", kept))
    excluded = dist.combined(EXCLUDED)
    if excluded is not None:
        rows.append((EXCLUDED, "all sources", excluded))
    return rows


def summary_table(dist: Distribution) -> str:
    """Documents, mean, min, median (from the bins) and max, per source and group."""
    d = dist.metric.decimals
    rows = [
        [group, source, fmt_int(t.n), fmt_float(t.mean, max(d, 1)), fmt_float(t.low, d), _median(dist, t),
         fmt_float(t.high, d)]
        for group, source, t in _rows(dist)
    ]
    return table(["documents", "source", "with a value", "mean", "min", "median ≈", "max"], rows, numeric=range(2, 7))


def _median(dist: Distribution, tally: Tally) -> str:
    """The median from the bins: the bin's label for bar charts, an interpolated value otherwise."""
    labels = dist.metric.labels
    if labels:
        i = median_bin(tally)
        return labels[i] if 0 <= i < len(labels) else "–"
    return fmt_float(approx_median(tally, dist.metric.edges), max(dist.metric.decimals, 1))


def threshold_table(dist: Distribution) -> str:
    """Documents at or above each threshold (e.g. fidelity ≥ 99/95/90/80/50 %), count and share."""
    m = dist.metric
    head = ["documents", "source", "with a value", *(m.threshold_format.format(t) for t in m.thresholds)]
    rows = [
        [group, source, fmt_int(t.n), *(f"{fmt_int(k)} ({k / t.n:.1%})" for k in t.at_least)]
        for group, source, t in _rows(dist)
    ]
    return table(head, rows, numeric=range(2, len(head)))


def distributions_section(blocks: list[str]) -> str:
    """The distributions a curator looks at, overall and per source."""
    intro = note(
        "Kept: documents of the output shards; excluded: documents of excluded/ that carry the value "
        "(any step). Per-source plots show the kept documents as a share of each source."
    )
    return '<h2 id="distributions">Distributions</h2>' + intro + "".join(blocks)


def page(title: str, sections: list[str]) -> str:
    """The whole HTML document."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(sections)}</main></body></html>\n"
    )
