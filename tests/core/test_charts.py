"""Server-side bar charts: a layout people can read (core/charts.py) and markup that says
the same to a screen reader (templates/charts.html)."""

from __future__ import annotations

import pytest
from flask import render_template_string

from elearn.core.charts import bar_chart, nice_step, shorten
from tests.reports.html import charts


@pytest.mark.parametrize(
    ("maximum", "step"), [(0, 1), (3, 1), (7, 2), (10, 5), (38, 10), (100, 25), (2371, 1000)]
)
def test_axis_steps_are_round_whole_numbers(maximum, step):
    assert nice_step(maximum) == step


def test_bars_are_as_long_as_their_values_and_say_them():
    chart = bar_chart([("0–10 %", 10, "10"), ("10–20 %", 40, "40"), ("20–30 %", 0, "0")])
    first, second, empty = chart.bars
    assert second.width == pytest.approx(4 * first.width, abs=0.2)
    assert empty.width == 0 and empty.text == "0"
    # The axis runs to a round number at or above the largest value, with its numbers.
    assert [t.text for t in chart.ticks] == ["0", "10", "20", "30", "40"]
    assert chart.ticks[-1].x == chart.plot_right
    # A value is written just after the end of its bar, inside the drawing.
    assert second.value_x == pytest.approx(chart.plot_left + second.width + 6, abs=0.2)
    assert second.value_x + len(second.text) * 7.4 <= chart.width
    # Short labels sit left of the bars, right-aligned, and never under them.
    assert not chart.labels_above and all(b.label_x <= chart.plot_left for b in chart.bars)


def test_a_chart_is_as_tall_as_its_rows_need():
    three = bar_chart([(str(i), i, str(i)) for i in range(3)])
    ten = bar_chart([(str(i), i, str(i)) for i in range(10)])
    assert ten.height - three.height == pytest.approx(7 * 26, abs=1)
    assert three.height < 140  # no large empty area under three bars


def test_long_labels_go_above_their_bar_shortened_to_one_line():
    long = "Avustettava Pekka haluaisi tässä kuussa lähteä viikoksi mökille ja kysyy, voitko tulla"
    chart = bar_chart([(long, 5, "5"), ("Lyhyt", 2, "2")], maximum=10)
    assert chart.labels_above
    bar = chart.bars[0]
    assert bar.full_label == long and bar.label.endswith("…") and len(bar.label) <= 47
    assert bar.label_y < bar.y  # the label is over the bar
    assert [t.text for t in chart.ticks][-1] == "10"  # the given maximum, not the largest value


def test_percentages_run_to_100_with_reference_lines():
    chart = bar_chart([("1.", 20, "20 %"), ("2.", 97, "97 %")], percent=True, marks=(30, 95))
    assert [t.text for t in chart.ticks] == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert [m.text for m in chart.marks] == ["30 %", "95 %"]
    span = chart.plot_right - chart.plot_left
    assert chart.marks[0].x == pytest.approx(chart.plot_left + 0.3 * span, abs=0.2)


def test_shorten_cuts_at_a_word():
    assert shorten("yksi kaksi kolme", 40) == "yksi kaksi kolme"
    assert shorten("yksi kaksi kolme neljä", 12) == "yksi kaksi…"


def test_the_markup_has_a_title_axis_values_and_a_text_alternative(app):
    with app.test_request_context():
        html = render_template_string(
            '{% from "charts.html" import bar_chart %}'
            "{{ bar_chart('c', 'Vastaukset <1–5>', rows, axis_label='Vastauksia',"
            " description='Kaikkiaan 7.') }}",
            rows=[("1", 2, "2 (29 %)"), ("2", 5, "5 (71 %)")],
        )
    (chart,) = charts(html)
    assert 'role="img"' in chart.svg and chart.labelledby == ["c-title", "c-desc"]
    assert 'id="c-title"' in chart.svg and 'id="c-desc"' in chart.svg
    assert chart.title == "Vastaukset <1–5>" and "&lt;1–5&gt;" in html  # escaped
    assert '<figcaption id="c-caption">Vastaukset &lt;1–5&gt;</figcaption>' in html  # visible
    assert chart.desc == "Kaikkiaan 7. 1: 2 (29 %); 2: 5 (71 %)."
    assert chart.labels == ["1", "2"] and chart.values == ["2 (29 %)", "5 (71 %)"]
    assert chart.ticks == ["0", "2", "4", "6"] and ">Vastauksia</text>" in chart.svg
    assert "<script" not in html and 'preserveAspectRatio="none"' not in chart.svg
    width, height = (int(v) for v in chart.svg.split('viewBox="0 0 ')[1].split('"')[0].split())
    assert f'width="{width}" height="{height}"' in chart.svg  # drawn at its natural size
