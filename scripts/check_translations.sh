#!/usr/bin/env bash
# The Indonesian .po is the source of the translations, edited directly. This check fails when it is not complete
# for the code as it is: a message the code uses that the .po lacks (found by running makemessages on a copy of the
# package), an untranslated, fuzzy or obsolete entry, or a .po that does not compile. Needs gettext (msgattrib).
set -euo pipefail
cd "$(dirname "$0")/.."
po=lindung/locale/id/LC_MESSAGES/django.po
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r lindung "$tmp/"
(cd "$tmp/lindung" && django-admin makemessages -l id --ignore "*/migrations/*" -v0)
fresh="$tmp/lindung/locale/id/LC_MESSAGES/django.po"
[ -f "$fresh" ] || { echo "translations: makemessages wrote no .po" >&2; exit 1; }

count() { grep -c '^msgid' || true; }
# The header entry (msgid "") is not a message.
untranslated=$(( $(msgattrib --untranslated --no-obsolete "$fresh" | count) - 1 ))
[ "$untranslated" -lt 0 ] && untranslated=0
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$fresh" | grep -c '^msgid "' || true)
obsolete=$(msgattrib --only-obsolete "$fresh" | grep -c "^#~ msgid" || true)
msgfmt --check -o /dev/null "$po"
status=0
if [ "$untranslated" -gt 0 ]; then
  echo "translations: $untranslated message(s) the code uses have no Indonesian translation in $po:" >&2
  msgattrib --untranslated --no-obsolete "$fresh" | grep '^msgid' | grep -v '^msgid ""$' | head -20 >&2
  status=1
fi
if [ "$fuzzy" -gt 0 ]; then
  echo "translations: $fuzzy fuzzy entr(y/ies) in $po (check and remove the fuzzy flag):" >&2
  msgattrib --only-fuzzy "$fresh" | grep '^msgid' | head -20 >&2
  status=1
fi
if [ "$obsolete" -gt 0 ]; then
  echo "translations: $obsolete obsolete entr(y/ies) in $po (the code no longer uses them: delete them, or run makemessages)" >&2
  status=1
fi
[ "$status" = 0 ] && echo "translations: complete ($(msgfmt --statistics -o /dev/null "$po" 2>&1))"
exit $status
