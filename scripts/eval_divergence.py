"""Divergence benchmarks (same as ``align eval-divergence``).

python scripts/eval_divergence.py --split test [--ablations] [--n-pairs 300]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from align.cli import main

if __name__ == "__main__":
    sys.exit(main(["eval-divergence", *sys.argv[1:]]))
