"""Server-side SVG charts (pygal, and a hand-drawn risk matrix), accessible and CSP-safe.

Each SVG gets role="img", a <title> and a <desc>; the page puts a table with the same
numbers beside it. pygal's <script> and <style> are removed: the CSP forbids inline
script and style, so the chart CSS is served as a file (`stylesheet()`) instead.
Charts take published figures: a hidden "x" is drawn as no value and the table says "x";
a chart whose every value is hidden says so instead of "no cases".
"""
import html
import re
from functools import lru_cache

import pygal
from markupsafe import Markup, escape
from pygal.style import Style

STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#1f1f1f",
    foreground_strong="#1f1f1f", foreground_subtle="#5a5a5a",
    colors=("#005a9c", "#b3261e", "#2e7d32", "#6a1b9a", "#8a5a00"),
    font_family="Arial, Helvetica, sans-serif",
)
_SCRIPT = re.compile(r"<script\b.*?(?:/>|</script>)", re.DOTALL)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)
_OPEN_TAG = re.compile(r"<svg\b[^>]*>")


def _value(v):
    return v if isinstance(v, int) else None


ALL_HIDDEN = "Alla värden dolda"
ALL_HIDDEN_DESC = ("Alla värden dolda: färre än {n} ärenden, eller dolda för att skydda andra "
                   "värden. Tabellen bredvid visar vad som kan visas.")


def _config(**kwargs) -> dict:
    kwargs.setdefault("no_data_text", "Inga ärenden")
    return dict(js=[], disable_xml_declaration=True, no_prefix=True, style=STYLE, width=800,
                height=360, print_values=True, explicit_size=False, **kwargs)


def all_hidden(values) -> bool:
    """Some value hidden and none drawn: the chart would be empty although cases exist."""
    values = list(values)
    return any(v == "x" for v in values) and not any(isinstance(v, int) and v for v in values)


def _accessible(svg: str, name: str, title: str, desc: str) -> Markup:
    svg = _SCRIPT.sub("", svg)
    svg = _STYLE.sub("", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL).replace("<title>Pygal</title>", "")
    # the CSP also forbids style attributes: pygal's hidden tooltip gets the SVG attribute
    svg = svg.replace('style="opacity: 0"', 'opacity="0"')
    svg = re.sub(r'\sstyle="[^"]*"', "", svg)
    opening = _OPEN_TAG.search(svg)
    head = opening.group(0)
    attrs = f' role="img" aria-labelledby="{name}-title {name}-desc" class="chart pygal-chart"'
    new_head = re.sub(r'\s(id|class)="[^"]*"', "", head)[:-1] + attrs + ">"
    inner = (f'<title id="{name}-title">{escape(title)}</title>'
             f'<desc id="{name}-desc">{escape(desc)}</desc>')
    # pygal serialises through etree (escaped); our own text goes through escape().
    return Markup(new_head + inner + svg[opening.end():])  # noqa: S704  # nosec B704


def trend(name: str, points: list[dict], title: str) -> Markup:
    chart = pygal.Line(**_config(show_legend=True, legend_at_bottom=True, show_y_guides=True))
    chart.x_labels = [p["period"] for p in points]
    chart.add("Alla", [_value(p["total"]) for p in points])
    if any(p.get("serious") is not None for p in points):
        chart.add("Allvarliga", [_value(p.get("serious")) for p in points])
    desc = "Antal ärenden per kvartal, alla och allvarliga. " + "; ".join(
        f'{p["period"]}: {p["total"]}' for p in points) + ". Dolda värden (x) ritas inte."
    return _accessible(chart.render(is_unicode=True), name, title, desc)


def bars(name: str, labelled: list[tuple[str, object]], title: str, threshold: int = 5,
         series: list[tuple[str, list]] | None = None) -> Markup:
    """One bar per label; `series` adds further columns of values (e.g. the whole year
    beside a quarter), in the same order as the labels."""
    values = [v for _, v in labelled]
    hidden = all_hidden(values + [v for _, vs in series or [] for v in vs])
    chart = pygal.HorizontalBar(**_config(show_legend=bool(series), legend_at_bottom=True,
                                          no_data_text=ALL_HIDDEN if hidden else "Inga ärenden"))
    chart.x_labels = [label for label, _ in labelled]
    if not hidden:  # with nothing drawable, pygal shows its no-data text: ours says why
        chart.add("Antal", [_value(v) for v in values])
        for label, vs in series or []:
            chart.add(label, [_value(v) for v in vs])
    desc = "; ".join(f"{label}: {v}" for label, v in labelled) or "Inga ärenden."
    for label, vs in series or []:
        desc += f". {label}: " + "; ".join(f"{lab}: {v}" for (lab, _), v in zip(labelled, vs, strict=True))
    if hidden:
        desc = ALL_HIDDEN_DESC.format(n=threshold) + " " + desc
    return _accessible(chart.render(is_unicode=True), name, title, desc)


def grouped(name: str, labels: list[str], series: list[tuple[str, list]], title: str) -> Markup:
    """Bars side by side per label, one colour per series (with a legend)."""
    chart = pygal.Bar(**_config(show_legend=True, legend_at_bottom=True, x_label_rotation=20))
    chart.x_labels = labels
    for series_name, values in series:
        chart.add(series_name, [_value(v) for v in values])
    desc = "; ".join(f"{label}: " + ", ".join(f"{series_name} {values[i]}" for series_name, values in series)
                     for i, label in enumerate(labels)) or "Inga ärenden."
    return _accessible(chart.render(is_unicode=True), name, title, desc)


_HEAT = ("#ffffff", "#fde8d7", "#f9c49a", "#f08a4b", "#c4410d")


def risk_matrix(name: str, matrix: list[list], title: str) -> Markup:
    """A 4×4 heat map: consequence up, probability across; cells coloured by count."""
    numbers = [v for row in matrix for v in row if isinstance(v, int)]
    top = max(numbers) if numbers else 0
    hidden = all_hidden(v for row in matrix for v in row)
    cell, left, bottom = 90, 110, 60
    parts = []
    for c in range(4):
        for p in range(4):
            v = matrix[c][p]
            shade = 0 if not isinstance(v, int) or v == 0 else 1 + min(3, (v * 4 - 1) // max(top, 1))
            x, y = left + p * cell, (3 - c) * cell
            colour = _HEAT[shade] if isinstance(v, int) else "#eeeeee"
            parts.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{colour}" stroke="#5a5a5a"/>'
                         f'<text x="{x + cell / 2}" y="{y + cell / 2 + 6}" text-anchor="middle" '
                         f'font-size="18" fill="#1f1f1f">{escape(str(v))}</text>')
        parts.append(f'<text x="{left - 10}" y="{(3 - c) * cell + cell / 2 + 5}" text-anchor="end" '
                     f'font-size="14" fill="#1f1f1f">K{c + 1}</text>')
    for p in range(4):
        parts.append(f'<text x="{left + p * cell + cell / 2}" y="{4 * cell + 22}" text-anchor="middle" '
                     f'font-size="14" fill="#1f1f1f">S{p + 1}</text>')
    parts.append(f'<text x="{left + 2 * cell}" y="{4 * cell + 48}" text-anchor="middle" font-size="14" '
                 f'fill="#1f1f1f">Sannolikhet (S) →, konsekvens (K) ↑</text>')
    width, height = left + 4 * cell + 10, 4 * cell + bottom
    desc = "Antal ärenden per konsekvens (K1–K4) och sannolikhet (S1–S4): " + "; ".join(
        f"K{c + 1} S{p + 1}: {matrix[c][p]}" for c in range(4) for p in range(4)) + "."
    if hidden:
        desc = "Alla värden i riskmatrisen är dolda (x). " + desc
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
           + "".join(parts) + "</svg>")
    return _accessible(svg, name, title, desc)


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """pygal's own CSS for STYLE, scoped under .pygal-chart, served as a static-like file."""
    chart = pygal.Bar(**_config())
    chart.add("x", [1])
    found = _STYLE.findall(chart.render(is_unicode=True))
    rules = []
    for block in found:
        for rule in html.unescape(block).split("}"):
            if "{" not in rule:
                continue
            selectors, body = rule.split("{", 1)
            scoped = ", ".join(f".pygal-chart {s.strip()}".strip() for s in selectors.split(","))
            rules.append(f"{scoped}{{{body}}}")
    return "\n".join(rules) + "\n.pygal-chart{max-width:100%;height:auto}\n"
