# Sourced by scripts/run and scripts/test: creates .venv and installs jixiao into it
# (editable), re-installing only when pyproject.toml changes. Idempotent.
#
# Usage: source scripts/bootstrap.sh EXTRAS   (EXTRAS: "" for the application, "dev" for
# the test tools). Always pass EXTRAS explicitly: `source` without arguments hands the
# caller's own arguments ("--port 8080") to this script.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${JIXIAO_VENV:-$ROOT/.venv}"
EXTRAS="${1:-}"
if ! [[ "$EXTRAS" =~ ^([a-z][a-z0-9_-]*(,[a-z][a-z0-9_-]*)*)?$ ]]; then
    echo "jixiao: scripts/bootstrap.sh takes the extras to install (\"\" or \"dev\"), not '$EXTRAS'" >&2
    exit 2
fi
PY="${PYTHON:-python3}"

if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "jixiao needs Python 3.11 or newer; '$PY' is $("$PY" --version 2>&1)" >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating virtual environment in $VENV" >&2
    "$PY" -m venv "$VENV" || { echo "jixiao: cannot create $VENV" >&2; exit 1; }
    "$VENV/bin/python" -m pip install --quiet --upgrade pip || exit 1
fi
STAMP="$VENV/.jixiao-installed${EXTRAS:+-$EXTRAS}"
HASH="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$HASH" ]; then
    echo "==> installing jixiao${EXTRAS:+[$EXTRAS]} into $VENV" >&2
    rm -f "$STAMP"
    if ! "$VENV/bin/python" -m pip install --quiet -e "$ROOT${EXTRAS:+[$EXTRAS]}"; then
        echo "jixiao: installing into $VENV failed (see above)" >&2
        exit 1
    fi
    echo "$HASH" > "$STAMP"
fi
# Browser assets (htmx) come from the npm registry, never from the repository.
if [ ! -f "$ROOT/node_modules/.package-lock.json" ] \
    || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "jixiao: npm is needed to install the web assets (apt-get install npm)" >&2
        exit 1
    fi
    echo "==> installing web assets (npm ci)" >&2
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || exit 1
fi
export PATH="$VENV/bin:$PATH"
