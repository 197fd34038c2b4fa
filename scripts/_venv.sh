# Sourced by scripts/run and scripts/test: make .venv and install what pyproject.toml asks for.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "创建虚拟环境 .venv ($("$PYTHON" --version))" >&2
  "$PYTHON" -m venv .venv
fi
# Reinstall only when pyproject.toml changed since the last install.
stamp=".venv/.installed-$1-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "安装依赖（$1）……" >&2
  if ! { .venv/bin/python -m pip install --upgrade pip &&
         .venv/bin/python -m pip install -e ".[$1]"; } >.venv/pip.log 2>&1; then
    cat .venv/pip.log >&2
    echo "依赖安装失败，详见 .venv/pip.log" >&2
    exit 1
  fi
  rm -f .venv/.installed-"$1"-*
  touch "$stamp"
fi
