"""Make the two pictures of docs/workflow.md from an exported dataset (default out/seed).

docs/img/report.png      headless-Chromium screenshot of `align report OUT`
docs/img/divergence.png  the divergence-score plot, as the notebook draws it (the notebook is
                         executed top to bottom and the PNG of its `divergence-plot` cell saved)

    python -m align run corpora/seed --out out/seed
    python scripts/make_docs_images.py [OUT] [--img-dir docs/img]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from align.export.read import load_exported
from align.io import atomic_files
from align.tools.report import write_report
from tests.helpers.browser import screenshot
from tests.helpers.notebook_exec import cell_png, execute_notebook, tagged_cell

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("out", nargs="?", type=Path, default=ROOT / "out" / "seed")
    ap.add_argument("--img-dir", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=1250)
    args = ap.parse_args(argv)

    data = load_exported(args.out)
    with tempfile.TemporaryDirectory() as tmp:
        html = write_report(data, Path(tmp) / "report.html", progress=False)
        png = screenshot(html, Path(tmp) / "report.png", width=args.width, height=args.height)
        with atomic_files(args.img_dir / "report.png") as (dst,):
            dst.write_bytes(png.read_bytes())
    print(f"wrote {args.img_dir / 'report.png'}")

    nb = execute_notebook(args.out)
    with atomic_files(args.img_dir / "divergence.png") as (dst,):
        dst.write_bytes(cell_png(tagged_cell(nb, "divergence-plot")))
    print(f"wrote {args.img_dir / 'divergence.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
