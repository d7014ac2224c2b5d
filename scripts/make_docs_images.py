"""Make the pictures and the command examples of the docs from real runs; or check them.

(default)                the two pictures:
docs/img/report.png      headless-Chromium screenshot of `align report OUT`
docs/img/divergence.png  the divergence-score plot, as the notebook draws it (the notebook is
                         executed top to bottom and the PNG of its `divergence-plot` cell saved)
--examples               instead: every `$ python -m align ...` line of the ```console blocks of
                         docs/workflow.md and README.md, re-run in a scratch folder holding a
                         copy of OUT as out/seed, its output written under it
--check                  both, but write nothing; exit 1 when an example's output or a picture differs
                         from what is in the repository (pictures: more than 1% of pixels)

    python -m align run corpora/seed --out out/seed
    python scripts/make_docs_images.py [OUT] [--img-dir docs/img] [--examples] [--check]
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the repository's align and tests/helpers, run from anywhere

from align.export.read import load_exported  # noqa: E402 (after the sys.path line)
from align.io import atomic_files  # noqa: E402
from align.tools.report import write_report  # noqa: E402
from tests.helpers.browser import screenshot  # noqa: E402
from tests.helpers.doc_examples import prepare_workdir, run_blocks  # noqa: E402
from tests.helpers.notebook_exec import cell_png, execute_notebook, tagged_cell  # noqa: E402

DOCS_WITH_EXAMPLES = (ROOT / "docs" / "workflow.md", ROOT / "README.md")
PIXEL_TOLERANCE = 0.01  # share of pixels that may differ (anti-aliasing, font hinting)


def images(out: Path, width: int, height: int) -> dict[str, bytes]:
    """The two pictures, as PNG bytes, by file name."""
    data = load_exported(out)
    with tempfile.TemporaryDirectory() as tmp:
        html = write_report(data, Path(tmp) / "report.html", progress=False)
        png = screenshot(html, Path(tmp) / "report.png", width=width, height=height)
        report = png.read_bytes()
    nb = execute_notebook(out)
    return {"report.png": report, "divergence.png": cell_png(tagged_cell(nb, "divergence-plot"))}


def examples(out: Path) -> dict[Path, str]:
    """Each doc file with its console blocks re-run."""
    with tempfile.TemporaryDirectory() as tmp:
        work = prepare_workdir(Path(tmp), out, ROOT)
        return {p: run_blocks(p.read_text(encoding="utf-8"), work) for p in DOCS_WITH_EXAMPLES}


def _pixels_differ(a: bytes, b: Path) -> float:
    import io

    new = Image.open(io.BytesIO(a)).convert("RGB")
    old = Image.open(b).convert("RGB")
    if new.size != old.size:
        return 1.0
    diff = ImageChops.difference(new, old).convert("L").point(lambda v: 255 if v > 16 else 0)
    return diff.histogram()[255] / (new.size[0] * new.size[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("out", nargs="?", type=Path, default=ROOT / "out" / "seed")
    ap.add_argument("--img-dir", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=1250)
    ap.add_argument("--examples", action="store_true", help="(re)write the console examples")
    ap.add_argument("--check", action="store_true", help="compare; write nothing")
    args = ap.parse_args(argv)

    drift = []
    texts = examples(args.out) if args.examples or args.check else {}
    for path, text in texts.items():
        old = path.read_text(encoding="utf-8")
        if text == old:
            continue
        if args.check:
            drift.append(str(path.relative_to(ROOT)))
            sys.stdout.writelines(
                difflib.unified_diff(
                    old.splitlines(True), text.splitlines(True), str(path), "real output"
                )
            )
        elif args.examples:
            with atomic_files(path) as (dst,):
                dst.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    pictures = images(args.out, args.width, args.height) if args.check or not args.examples else {}
    for name, png in pictures.items():
        target = args.img_dir / name
        if args.check:
            share = _pixels_differ(png, target) if target.is_file() else 1.0
            if share > PIXEL_TOLERANCE:
                drift.append(f"{target.relative_to(ROOT)} ({share:.1%} of pixels differ)")
            continue
        with atomic_files(target) as (dst,):
            dst.write_bytes(png)
        print(f"wrote {target}")
    if drift:
        print("drifted from the real output:", ", ".join(drift), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
