"""The researcher controls of `align run` / `align align`: --max-align, --skip, --presegmented,
--objective, --no-split-unaligned, --no-join-fragments."""

from __future__ import annotations

import pytest

from align.alignment import AlignConfig
from align.cli import build_parser, main
from align.cli.pipeline import MAX_ALIGN, SKIP, _align_cfg, _segmenter
from align.segment import presegmented_pair, segment_pair
from tests.conftest import write_pair


def test_defaults_are_the_shipped_aligner():
    args = build_parser().parse_args(["run", "corpus", "--out", "out"])
    assert _align_cfg(args) == AlignConfig()
    assert _segmenter(args) is segment_pair
    default = AlignConfig()
    assert default.max_align == MAX_ALIGN  # the help's numbers are AlignConfig's
    assert {"bertalign": -default.skip, "cost": default.del_cost} == SKIP


def test_options_reach_the_aligner_config():
    parse = build_parser().parse_args
    args = parse(["run", "c", "--out", "o", "--max-align", "7", "--skip", "0.2", "--presegmented"])
    assert _align_cfg(args) == AlignConfig(max_align=7, del_cost=0.2, paragraphs=False)
    assert _segmenter(args) is presegmented_pair
    args = parse(["align", "c", "--out", "o", "--objective", "bertalign", "--skip", "0.2"])
    assert _align_cfg(args) == AlignConfig.bertalign(skip=-0.2)
    args = parse(["run", "c", "--out", "o", "--no-split-unaligned"])
    assert _align_cfg(args) == AlignConfig(split_unaligned=False)
    args = parse(["align", "c", "--out", "o", "--no-join-fragments"])
    assert _align_cfg(args) == AlignConfig(join_fragments=False)


@pytest.mark.parametrize("bad", [["--max-align", "1"], ["--max-align", "x"], ["--skip", "0"]])
def test_bad_values_are_usage_errors(bad, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["align", "c", "--out", "o", *bad])
    assert exc.value.code == 2
    assert "expected" in capsys.readouterr().err


def test_help_says_what_each_option_trades(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Larger allows longer merges" in text and "smaller is faster" in text
    assert "Lower reports more omitted/added sentences" in text
    assert "one sentence per line" in text
    assert "finds 1-0 / 0-1 beads and crossed 2-2 beads far better" in text
    assert "which costs precision" in text
    assert "instead of splitting it out as a 1-0 / 0-1 bead" in text
    assert "the rest of its neighbour's sentence" in text


def test_presegmented_keeps_every_line_as_one_sentence(tmp_path):
    ru = (
        "Москва и Киев обменялись заявлениями. Переговоры не начались.\n"
        "Министр выступил в среду.\n"
        "Погода в столице была тёплой.\n"
    )
    en = "Moscow and Kyiv exchanged statements.\nTalks have not begun.\nThe minister spoke on Wednesday.\n"
    corpus = write_pair(tmp_path / "c", ru, en)
    out = tmp_path / "out"
    assert (
        main(["align", str(corpus), "--out", str(out), "--presegmented", "--objective", "cost"])
        == 0
    )
    assert (out / "doc.ru").read_text(encoding="utf-8") == ru
    assert (out / "doc.en").read_text(encoding="utf-8") == en
    beads = (out / "doc.align").read_text(encoding="utf-8").splitlines()
    assert beads[0] == "[0]:[0, 1]" and beads[1] == "[1]:[2]" and beads[2] == "[2]:[]"
