#!/usr/bin/env bash
# The unit tests once more as an unprivileged user (nobody), so that none comes to need root.
# With the venv's interpreter where nobody can start it (the stop checklist's way), otherwise
# Debian's Python 3.11 with the venv's packages. Where nobody cannot read the checkout, the
# tests run on a copy of it.
set -euo pipefail
venv_packages="$1/lib/python3.11/site-packages"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env PYTHONDONTWRITEBYTECODE=1 "$@"; }
root=$PWD
if ! as_nobody test -r "$root/pytest.ini" -a -r "$venv_packages/pytest/__init__.py"; then
  copy=$(mktemp -d)
  trap 'rm -rf "$copy"' EXIT
  git ls-files -z | xargs -0 cp -P --parents -t "$copy"
  cp -a "$venv_packages" "$copy/site-packages"
  chmod -R a+rX "$copy"
  root=$copy venv_packages=$copy/site-packages
  echo "units-unprivileged: nobody cannot read $PWD; running on a copy in $copy"
fi
cd "$root"
venv_python=(setpriv --reuid=nobody --regid=nogroup --clear-groups "$1/bin/python")
if [ "$root" = "$PWD" ] && PYTHONDONTWRITEBYTECODE=1 "${venv_python[@]}" -c "import pytest" 2>/dev/null; then
  # The venv's own interpreter started by setpriv itself, as the stop checklist starts it: setpriv
  # can still enter root's home to exec it, the tests it runs cannot (conftest's interpreter
  # fixture gives them one this user can start).
  PYTHONDONTWRITEBYTECODE=1 "${venv_python[@]}" -m pytest tests/unit -q -p no:cacheprovider
else
  as_nobody env PYTHONPATH="$venv_packages" /usr/bin/python3 -m pytest tests/unit -q -p no:cacheprovider
fi
