#!/usr/bin/env bash
# Create .venv and install the pinned stack in the order it needs:
# torch, then mmcv 2.1.0 compiled against it (CPU ops, all cores), then the
# rest and qmimic_mm in editable mode. Idempotent: a finished install leaves
# .venv/.install-stamp and a second run returns at once unless a
# requirements file or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
PY="$VENV/bin/python"
STAMP="$VENV/.install-stamp"
HASH=$(cat requirements/*.txt pyproject.toml setup.py | sha256sum | cut -d' ' -f1)

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ] && "$PY" -c "import qmimic_mm.all_modules" 2>/dev/null; then
    echo "[install] .venv is up to date"
    exit 0
fi

step() { echo "[install $(date +%H:%M:%S)] $*"; }
[ -x "$PY" ] || { step "creating $VENV"; python3 -m venv "$VENV"; }
PIP="$PY -m pip --disable-pip-version-check"
step "1/4 pip and build tools, torch (CPU build)"
$PIP install -q --upgrade pip
$PIP install -q -r requirements/build.txt

if "$PY" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '2.1.0'" 2>/dev/null; then
    step "2/4 mmcv 2.1.0 with ops already installed"
else
    step "2/4 mmcv 2.1.0 with ops: compiled once (~20 min on 2 cores), then cached by pip"
    # pip keeps quiet during a long build; show the compiler's progress.
    # pip -v indents the backend's output, so the patterns allow leading
    # blanks; ninja prints "[k/N] c++ ...", plain setuptools one compiler
    # call per source ("g++ ... -c path/x.cpp").
    MAX_JOBS=$(nproc) $PIP install -v --no-build-isolation mmcv==2.1.0 2>&1 \
        | tools/mmcv_build_progress.sh \
        || { echo "[install] mmcv build failed; rerun with pip -v" >&2; exit 1; }
    "$PY" -c "import mmcv.ops" || { echo "[install] mmcv.ops failed to import" >&2; exit 1; }
fi

step "3/4 mmengine, mmdet, mmrazor and the rest"
$PIP install -q -r requirements/runtime.txt -r requirements/tests.txt
step "4/4 qmimic_mm (editable)"
$PIP install -q --no-build-isolation --no-deps -e .
"$PY" -c "import qmimic_mm, qmimic_mm.all_modules, mmrazor.models; print('[install] ok: qmimic_mm', qmimic_mm.__version__)"
echo "$HASH" > "$STAMP"
