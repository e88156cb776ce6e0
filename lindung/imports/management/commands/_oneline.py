"""Argument errors as one line on stderr (docs/interfaces.md: bad input → one-line message, non-zero exit)."""

from __future__ import annotations

import sys


def one_line_errors(parser, name: str):
    def error(message: str) -> None:
        sys.stderr.write("lindung {}: {}\n".format(name, message))
        sys.exit(2)

    parser.error = error
    return parser
