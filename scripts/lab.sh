#!/usr/bin/env bash
# Start JupyterLab on the course for a learner (what `make lab` runs).
# Extra arguments go to JupyterLab (the Makefile passes --allow-root when run
# as root, which Jupyter otherwise refuses). JUPYTER_PORT (or PORT) sets the port.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
# The course's JupyterLab settings (no news pop-up over the first page) and a learner's:
# nbgrader's instructor tools (Create Assignment, Formgrader, Course List) hidden.
export JUPYTER_CONFIG_PATH="$PWD/scripts/jupyter-config:$PWD/scripts/jupyter-config-learner${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
# The learner's own copies of the exercises, in my-work/ (git ignores it): made once,
# never touched again by course updates.
python -m coproduction.learner --root "$PWD" set-up
first_page="course/01-the-ladder.ipynb"
[ -f course/00-start-here.ipynb ] && first_page="course/00-start-here.ipynb"
# The port: Jupyter's own JUPYTER_PORT, else PORT, else 8888. If it is taken, the next
# free one is chosen here and Jupyter is told not to move, so the banner names the
# address Jupyter really serves.
wanted="${JUPYTER_PORT:-${PORT:-8888}}"
port="$(python - "$wanted" <<'PY'
import socket
import sys

try:
    start = int(sys.argv[1])
except ValueError:
    sys.exit(f"The port {sys.argv[1]!r} (JUPYTER_PORT or PORT) is not a number.")
for port in range(start, start + 50):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
else:
    sys.exit(f"No free port between {start} and {start + 49}: set JUPYTER_PORT to another.")
PY
)"
[ "$port" = "$wanted" ] || echo "Port $wanted is in use; using $port instead."
cat <<MSG

  Co-production in Practice
  -------------------------
  JupyterLab is starting on http://localhost:${port}/lab/tree/${first_page}
  (the full address with its access token is printed below).

  First: read ${first_page}, play its scenarios, then open your copy of the
  exercise in my-work/ and press Validate in its toolbar to check your answers.
  To start an exercise again: make start-again EXERCISE=ladder
  Stop the server with Ctrl+C.

MSG
exec jupyter lab \
  --ServerApp.root_dir="$PWD" \
  --ServerApp.port="$port" \
  --ServerApp.port_retries=0 \
  --LabApp.default_url="/lab/tree/${first_page}" \
  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  "$@"
