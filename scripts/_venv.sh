# Sourced by scripts/run and scripts/test: make .venv and install the locked dependencies.
#   $1 = run  -> requirements.lock        $1 = test -> requirements-test.lock
# Every file is checked against the sha256 in the lock (scripts/lock regenerates it).
# With a wheelhouse/ directory (scripts/wheelhouse) nothing is fetched from any index.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
case "$1" in
  run) lock=requirements.lock ;;
  *) lock=requirements-test.lock ;;
esac
if [ ! -x .venv/bin/python ]; then
  echo "创建虚拟环境 .venv ($("$PYTHON" --version))" >&2
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the lock (or the project's own metadata) changed since the last install.
stamp=".venv/.installed-$1-$(cat "$lock" pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  source=()
  if compgen -G "wheelhouse/*.whl" >/dev/null; then
    source=(--no-index --find-links wheelhouse)
    echo "安装依赖（$1，来自 wheelhouse/，不访问软件包索引）……" >&2
  else
    echo "安装依赖（$1）……" >&2
  fi
  # The project itself: no dependencies of its own (all in the lock), built with the
  # locked setuptools already in .venv, so no build environment is fetched either.
  if ! { .venv/bin/python -m pip install "${source[@]}" --require-hashes -r "$lock" &&
         .venv/bin/python -m pip install "${source[@]}" --no-deps --no-build-isolation -e .; } \
       >.venv/pip.log 2>&1; then
    cat .venv/pip.log >&2
    echo "依赖安装失败，详见 .venv/pip.log" >&2
    exit 1
  fi
  rm -f .venv/.installed-"$1"-*
  touch "$stamp"
fi
