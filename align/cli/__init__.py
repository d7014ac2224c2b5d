"""Command-line interface: ``align COMMAND``, a thin layer over the library API.

One module per command group, each with a ``register(add)`` function:

* :mod:`align.cli.pipeline` — ``run``, ``ingest``, ``segment``, ``align``
* :mod:`align.cli.tools` — what a researcher does with an exported dataset folder: ``report``,
  ``export-tmx``, ``export-text``, ``mt-eval``, ``push``
* :mod:`align.cli.evaluate` — benchmarks: ``eval`` (alignment), ``eval-divergence``

Building the parser imports nothing heavy (``align --help`` loads no encoder, bertalign or
datasets); each command imports what it needs when it runs.

Conventions: ``--version``; ``-q``/``--quiet`` (before or after the command) drops progress bars
and informational lines; bars are drawn only on a terminal and never with ``TQDM_DISABLE`` set;
``--out -`` writes to stdout where the output is one stream; help shows the defaults. Exit codes:
0 done, 1 a runtime error (bad input, a failed push: one line on stderr), 2 a usage error
(argparse), 130 interrupted, 141 the reader of stdout went away.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from align import __version__
from align.cli import evaluate, pipeline, tools
from align.cli.args import Command, HelpFormatter
from align.errors import AlignError

GROUPS = (pipeline, tools, evaluate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="align",
        description="Align Russian-English document pairs (paragraphs, then sentences), score "
        "what one side left out or added, and export a Hugging Face dataset.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bars or informational lines"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, func: Command, help_: str, epilog: str | None = None
    ) -> argparse.ArgumentParser:
        # the command list %-formats help_ (hence %% there); the description is printed as is
        p = sub.add_parser(
            name,
            help=help_,
            description=help_.replace("%%", "%"),
            epilog=epilog,
            formatter_class=HelpFormatter,
        )
        p.add_argument(  # also after the command; SUPPRESS keeps `align -q CMD` working
            "-q",
            "--quiet",
            action="store_true",
            default=argparse.SUPPRESS,
            help="no progress bars or informational lines",
        )
        p.set_defaults(func=func)
        return p

    for group in GROUPS:
        group.register(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except AlignError as err:  # a runtime error; 2 is argparse's, for usage errors
        print(f"align: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("align: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `align ... | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
