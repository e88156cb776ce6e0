"""Fill locale/id/LC_MESSAGES/django.po from scripts/id_translations.py and compile it (run after makemessages).

Usage: python scripts/translate.py   (needs msgfmt from Debian's gettext)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import importlib  # noqa: E402

ID: dict[str, str] = {}
for _f in sorted(Path(__file__).parent.glob("id_translations*.py")):
    ID.update(importlib.import_module(_f.stem).ID)

PO = Path(__file__).resolve().parent.parent / "lindung/locale/id/LC_MESSAGES/django.po"


def main() -> None:
    text = PO.read_text()
    entry = re.compile(r'msgid "((?:[^"\\]|\\.)*)"\nmsgstr ""\n(?!")', re.M)

    def fill(m: re.Match) -> str:
        msgid = m.group(1)
        tr = ID.get(msgid.replace('\\"', '"'))
        if tr is None:
            return m.group(0)
        return 'msgid "{}"\nmsgstr "{}"\n'.format(msgid, tr.replace('"', '\\"'))

    text = entry.sub(fill, text)
    text = text.replace("#, fuzzy\n", "", 1)
    # A new msgid that makemessages matched to an old one ("fuzzy", with a guessed msgstr): use ours instead.
    guessed = re.compile(
        r'#, fuzzy(?:, ([^\n]*))?\n(?:#\|[^\n]*\n)*msgid "((?:[^"\\]|\\.)+)"\nmsgstr "(?:[^"\\]|\\.)*"\n',
        re.M,
    )

    def replace_guess(m: re.Match) -> str:
        tr = ID.get(m.group(2).replace('\\"', '"'))
        if tr is None:
            return m.group(0)
        flags = "#, {}\n".format(m.group(1)) if m.group(1) else ""
        return '{}msgid "{}"\nmsgstr "{}"\n'.format(
            flags, m.group(2), tr.replace('"', '\\"')
        )

    text = guessed.sub(replace_guess, text)
    PO.write_text(text)
    subprocess.run(["msgfmt", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    missing = [m.group(1) for m in entry.finditer(text) if m.group(1)]
    print(f"untranslated: {len(missing)}", *missing[:300], sep="\n  ")


if __name__ == "__main__":
    main()
