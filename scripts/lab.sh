#!/usr/bin/env bash
# Start JupyterLab on the course for a learner (what `make lab` runs).
# Extra arguments go to JupyterLab (the Makefile passes --allow-root when run
# as root, which Jupyter otherwise refuses).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
# The course's JupyterLab settings (no news pop-up over the first page).
export JUPYTER_CONFIG_PATH="$PWD/scripts/jupyter-config${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
first_page="course/01-the-ladder.ipynb"
[ -f course/00-start-here.ipynb ] && first_page="course/00-start-here.ipynb"
port="${PORT:-8888}"
cat <<MSG

  Co-production in Practice
  -------------------------
  JupyterLab is starting on http://localhost:${port}/lab/tree/${first_page}
  (the full address with its access token is printed below).

  First: read ${first_page}, play its scenarios, then open the exercise in
  exercises/ and press Validate in its toolbar to check your answers.
  Stop the server with Ctrl+C.

MSG
exec jupyter lab \
  --ServerApp.root_dir="$PWD" \
  --ServerApp.port="$port" \
  --LabApp.default_url="/lab/tree/${first_page}" \
  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  "$@"
