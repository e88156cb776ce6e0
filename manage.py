#!/usr/bin/env python
"""Django's command-line utility, as Django users expect it (``lindung`` is the same with shorter help)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
