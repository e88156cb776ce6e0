"""The ``lindung`` commands' help in the same language as ``lindung --help`` (Indonesian by default, LANGUAGE_CODE).

Each Lindung command marks its description and option help for translation (English msgids, Indonesian in the
``.po``). Django's own options (``--settings``, ``--traceback``…) are for developers: ``lindung manage`` keeps them,
the commands' help hides them. Python's argparse writes its few fixed words ("usage:", "options:") in English
through the standard ``gettext``; they are given here too."""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

# Django's options on every command: still accepted, not listed in the help of Lindung's commands.
DJANGO_OPTIONS = {
    "--version",
    "--verbosity",
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
    "--skip-checks",
}


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix=_("Usage: "))


def _localise(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = HelpFormatter
    parser._optionals.title = _("options")
    parser._positionals.title = _("arguments")
    for action in parser._actions:
        if DJANGO_OPTIONS & set(action.option_strings):
            action.help = argparse.SUPPRESS
        elif "--help" in action.option_strings:
            action.help = _("show this help and exit")
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _localise(sub)
    if parser.description is not None:
        parser.description = str(parser.description)


def install() -> None:
    """Localise the parsers of Lindung's commands (called by ``lindung.cli`` before Django runs one)."""
    original = BaseCommand.create_parser
    if getattr(original, "_lindung", False):
        return

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = original(self, prog_name, subcommand, **kwargs)
        if type(self).__module__.startswith("lindung."):
            _localise(parser)
        return parser

    create_parser._lindung = True
    BaseCommand.create_parser = create_parser
