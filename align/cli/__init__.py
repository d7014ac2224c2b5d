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
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence

from align import __version__
from align.cli import evaluate, pipeline, tools
from align.cli.args import Command, HelpFormatter, printable
from align.errors import AlignError, Terminated, on_signal, reset_interrupted

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


def _warnings_to_stderr() -> None:
    """The library's notes (``logging.getLogger("align")``) as ``align: note: ...`` lines."""
    log = logging.getLogger("align")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("align: note: %(message)s"))
        log.addHandler(handler)
        log.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Exit codes: 0 success, 1 bad input or a runtime error (one line on
    stderr), 2 bad usage (argparse), 130 interrupted, 143 terminated, 141 closed pipe."""
    args = build_parser().parse_args(argv)
    _warnings_to_stderr()
    if threading.current_thread() is not threading.main_thread():
        return _run(args)
    reset_interrupted()
    previous = {
        signal.SIGTERM: signal.signal(signal.SIGTERM, on_signal(Terminated)),
        signal.SIGINT: signal.signal(signal.SIGINT, on_signal(KeyboardInterrupt)),
    }
    try:
        return _run(args)
    finally:  # (main may be called from a program or a test that has its own handlers)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run(args: argparse.Namespace) -> int:
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except AlignError as err:  # a runtime error; 2 is argparse's, for usage errors
        print(f"align: error: {printable(str(err))}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `align ... | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as err:  # a full or failing disk, found while writing: one line
        where = f"{err.filename}: " if err.filename else ""
        print(f"align: error: {printable(where)}{err.strerror or err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("align: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("align: terminated", file=sys.stderr)
        return 143


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
