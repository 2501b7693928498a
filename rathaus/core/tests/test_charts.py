"""The core bar chart: geometry (scaling, zero, negative, empty, one bar, long labels), the
rendered include (escaping, text alternative, data table equal to the data) and, with
hypothesis, the invariants every chart keeps: inside its viewBox, lengths proportional to
values."""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from rathaus.core.charts import CHAR_W, bar_chart, german_number

FAST = settings(max_examples=60, deadline=None)


def _rects(chart):
    return [r for row in chart.rows for r in row.rects]


def _render(chart, **extra) -> str:
    return render_to_string("core/_bar_chart.html", {"chart": chart, "id": "c"} | extra)


def test_bars_are_scaled_to_the_largest_value_and_start_at_zero():
    chart = bar_chart(title="Buchungen", data=[("Mo", 10), ("Di", 20), ("Mi", 5)])
    mo, di, mi = _rects(chart)
    assert di.w == 2 * mo.w and abs(mi.w - mo.w / 2) <= 0.1
    assert {r.x for r in _rects(chart)} == {chart.zero_x}
    assert di.x + di.w + 6 + len(di.text) * CHAR_W <= chart.width  # the value fits on the right
    assert [r.text for r in _rects(chart)] == ["10", "20", "5"]


def test_max_value_keeps_shares_on_one_scale():
    chart = bar_chart(title="Auslastung", data=[("A", 0.25)], max_value=1)
    half = bar_chart(title="Auslastung", data=[("A", 0.5)], max_value=1)
    assert abs(half.rows[0].rects[0].w - 2 * chart.rows[0].rects[0].w) <= 0.1


def test_zero_and_missing_values_draw_no_length_but_say_their_value():
    chart = bar_chart(title="Vorlauf", data=[("A", 0), ("B", None)])
    a, b = _rects(chart)
    assert a.w == 0 and a.drawn and a.text == "0"
    assert not b.drawn and b.text == "–"
    assert chart.summary == "Alle Werte sind 0."
    html = _render(chart)
    assert html.count("<rect") == 1  # the zero bar, no bar for the missing value


def test_negative_values_grow_left_of_zero_with_their_text_left_of_the_bar():
    chart = bar_chart(title="Saldo", data=[("plus", 30), ("minus", -10)])
    plus, minus = _rects(chart)
    assert plus.x == chart.zero_x and minus.x + minus.w == chart.zero_x
    assert abs(plus.w - 3 * minus.w) <= 0.25  # coordinates are rounded to 0.1 px
    assert minus.anchor == "end" and minus.text_x < minus.x
    assert minus.text_x - len(minus.text) * CHAR_W >= chart.label_x  # not over the labels
    assert minus.text == "-10"


def test_empty_chart_renders_with_a_table_that_says_so():
    chart = bar_chart(title="Nichts", data=[])
    assert chart.rows == [] and chart.height > 0
    html = _render(chart)
    assert "Keine Werte." in html and 'role="img"' in html


def test_one_bar_fills_the_plot_and_is_summarised():
    chart = bar_chart(title="Eins", data=[("Einzig", 7)])
    (bar,) = _rects(chart)
    assert bar.w > chart.width / 3
    assert chart.summary == "Größter Wert: Einzig mit 7."


def test_long_labels_stand_above_their_bars_whole_in_title_and_table():
    name = "Beantragung eines Führungszeugnisses zur Vorlage bei einer Behörde, Belegart O"
    chart = bar_chart(title="Lang", data=[(name, 3), ("Kurz", 1)])
    row = chart.rows[0]
    assert chart.labels_above and chart.label_anchor == "start"
    assert row.short_label.endswith("…") and len(row.short_label) * CHAR_W <= chart.width
    assert row.label_y < row.rects[0].y  # the label's line is above the bar
    assert chart.rows[1].short_label == "Kurz"
    html = _render(chart)
    assert f"<title>{name}</title>" in html
    assert f'<th scope="row" class="kern-table__cell">{name}</th>' in html
    short = bar_chart(title="Kurz", data=[("04.11.", 3)])
    assert not short.labels_above and short.label_anchor == "end"
    assert short.rows[0].rects[0].x > short.label_x


def test_labels_are_escaped_never_markup_and_formulas_stay_plain_text():
    chart = bar_chart(
        title="<b>Wahl</b>",
        data=[("<script>alert(1)</script>", 5), ('=HYPERLINK("http://x","y")', 3)],
    )
    html = _render(chart)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html and "&lt;b&gt;Wahl&lt;/b&gt;" in html
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in html
    assert 'style="' not in html  # CSP: no inline styles


def test_table_rows_equal_the_data_and_the_svg_has_a_name_and_a_text_alternative():
    data = [("Altstadt", 1234), ("Südfeld", 56), ("Weststadt", 0)]
    chart = bar_chart(
        title="Teilnehmende", data=data, series=("Personen",), category_label="Stadtteil"
    )
    html = _render(chart)
    cells = re.findall(
        r'<th scope="row" class="kern-table__cell">([^<]*)</th>\s*<td[^>]*>([^<]*)</td>', html
    )
    assert cells == [(label, german_number(value)) for label, value in data]
    assert '<th scope="col" class="kern-table__header">Stadtteil</th>' in html
    assert (
        'aria-labelledby="c-title c-desc"' in html
        and '<title id="c-title">Teilnehmende</title>' in html
    )
    desc = re.search(r'<desc id="c-desc">([^<]*)</desc>', html).group(1)
    assert (
        "Größter Wert: Altstadt mit 1.234." in desc and "Kleinster Wert: Weststadt mit 0." in desc
    )
    assert "<details" in html and "<figcaption" in html
    assert "<details" not in _render(chart, table_follows=True)


def test_grouped_bars_differ_in_pattern_and_are_named_in_words():
    chart = bar_chart(
        title="Stimmenanteile",
        data=[("Berger (CDU)", (37.7, 52.1)), ("Jansen (SPD)", (31.2, None))],
        series=("2026", "2021"),
        unit="%",
        distinct=True,
    )
    now, before = chart.rows[0].rects
    assert now.pattern == "" and before.pattern.startswith("hatch-")
    assert now.colour == before.colour and chart.rows[1].rects[0].colour != now.colour
    html = _render(chart)
    assert 'fill="url(#c-hatch-' in html and '<pattern id="c-hatch-' in html
    assert "volle Balken: 2026" in html and "schraffierte Balken: 2021" in html
    assert "<title>Berger (CDU), 2021: 52,1</title>" in html
    assert chart.columns == ("2026", "2021") and chart.rows[1].texts == ("31,2", "–")


def test_threshold_line_is_drawn_named_and_counted_in_the_summary():
    chart = bar_chart(
        title="Anteile",
        data=[("A", 62.0), ("B", 38.0)],
        max_value=100,
        threshold=(50, "Hälfte der gültigen Stimmen"),
    )
    assert abs(chart.threshold_x - (chart.zero_x + _rects(chart)[0].w / 62.0 * 50)) <= 0.25
    assert "Über der Linie „Hälfte der gültigen Stimmen“: A." in chart.summary
    html = _render(chart)
    assert (
        'stroke-dasharray="5 4"' in html
        and "Gestrichelte Linie: Hälfte der gültigen Stimmen." in html
    )


values = st.one_of(st.none(), st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False))


@FAST
@given(
    data=st.lists(st.tuples(st.text(min_size=0, max_size=60), values), max_size=25),
    grouped=st.booleans(),
    threshold=st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
)
def test_every_bar_and_text_stays_inside_the_viewbox(data, grouped, threshold):
    if grouped:
        data = [(label, (v, v / 2 if v is not None else None)) for label, v in data]
    chart = bar_chart(
        title="T",
        data=data,
        series=("a", "b") if grouped else (),
        threshold=(threshold, "Linie") if threshold is not None else None,
    )
    for r in _rects(chart):
        assert r.x >= 0 and r.x + r.w <= chart.width + 0.1
        assert chart.top <= r.y and r.y + r.h <= chart.height
        width = len(r.text) * CHAR_W
        left = r.text_x - width if r.anchor == "end" else r.text_x
        assert left >= chart.label_x - 0.1 and left + width <= chart.width + 0.1
    if chart.threshold_x is not None:
        assert 0 <= chart.threshold_x <= chart.width  # noqa: SIM300


@FAST
@given(st.lists(st.floats(0.01, 1e6, allow_nan=False), min_size=1, max_size=20))
def test_bar_lengths_are_proportional_to_the_values(numbers):
    chart = bar_chart(title="T", data=[(str(i), v) for i, v in enumerate(numbers)])
    rects = _rects(chart)
    per_unit = max(r.w for r in rects) / max(numbers)
    for r, v in zip(rects, numbers, strict=True):
        assert abs(r.w - v * per_unit) <= 0.2
