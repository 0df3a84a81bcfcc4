#!/usr/bin/env bash
# ansible-test sanity on this checkout.
# ansible-test wants the collection at .../ansible_collections/<namespace>/<name>: copy the
# files git would ship (tracked and new, not ignored) there, and run the tests from there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}

# ansible-test bootstraps pip in each test venv with a get-pip script downloaded from outside
# the package registries, which cannot be reached here. This stand-in does the same job with
# the interpreter's own ensurepip, then installs the pinned packages it is given from PyPI.
pip_version=$("$python" - <<'PY'
import importlib.util, os, re
spec = importlib.util.find_spec("ansible_test")
path = os.path.join(os.path.dirname(spec.origin), "_internal", "python_requirements.py")
match = re.search(r"pip='([0-9.]+)'", open(path).read())
print(match.group(1) if match else "")
PY
)
bootstrap=$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py
if [ -n "$pip_version" ] && [ ! -s "$bootstrap" ]; then
  mkdir -p "$(dirname "$bootstrap")"
  cat > "$bootstrap" <<'PY'
# Stand-in for get-pip.py written by mesos.overlay's tests/sanity.sh: ensurepip, then pip install.
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
PY
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest=$work/ansible_collections/mesos/overlay
mkdir -p "$dest"
cd "$root"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && [ ! -L "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xf - -C "$dest"
cd "$dest"
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
"$(dirname "$python")/ansible-test" sanity --venv --python "$version" --color no "$@"
