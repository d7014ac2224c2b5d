"""Span normalisation used by the HTML report: sorted, clipped, merged; pieces join back."""

from __future__ import annotations

from align.spans import merged_spans, pieces


def _s(start: int, end: int) -> dict:
    return {"text": "", "start": start, "end": end}


def test_merged_spans_sort_clip_and_merge():
    spans = [_s(8, 12), _s(0, 3), _s(2, 5), _s(20, 40), _s(7, 7), _s(-4, 1)]
    assert merged_spans(spans, 25) == [(0, 5), (8, 12), (20, 25)]


def test_pieces_join_back_and_mark_the_spans():
    text = "Об этом передает Report со ссылкой"
    parts = pieces(text, [_s(17, 23), _s(0, 2)])
    assert "".join(p for p, _ in parts) == text
    assert [p for p, inside in parts if inside] == ["Об", "Report"]
    assert pieces(text, []) == [(text, False)]
    assert pieces("", [_s(0, 3)]) == []
