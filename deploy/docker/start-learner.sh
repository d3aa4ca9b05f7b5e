#!/bin/sh
# A learner's server in the course's image (what Zero to JupyterHub or DockerSpawner runs):
# give the learner their own copy of the course, once, then start JupyterLab in it.
# JupyterHub passes its own arguments on; COPRODUCTION_EXCHANGE is nbgrader's exchange mount.
set -e
exchange="${COPRODUCTION_EXCHANGE:-/srv/nbgrader/exchange}"
folder="$(python -m coproduction.hub.home --course /srv/course --exchange "$exchange")"
exec jupyterhub-singleuser --ServerApp.root_dir="$folder" "$@"
