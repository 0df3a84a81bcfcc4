#!/usr/bin/env bash
# The unit tests once more as an unprivileged user (nobody), so that none comes to need root.
# The venv's interpreter lives under root's home, so Debian's Python 3.11 runs them with the
# venv's packages. Where nobody cannot read the checkout, the tests run on a copy of it.
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
as_nobody env PYTHONPATH="$venv_packages" /usr/bin/python3 -m pytest tests/unit -q -p no:cacheprovider
