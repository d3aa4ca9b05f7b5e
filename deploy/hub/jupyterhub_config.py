"""JupyterHub for the course on one server (what `make hub` and the hub test start).

Every learner gets a JupyterLab server of their own with the course's
environment (this repository's .venv), opened in their own copy of the course
(`coproduction.hub.home`), with nbgrader's Assignments panel pointed at the
hub's exchange. Settings come from the environment, so one file serves the
tests, a trial and a real single-server hub:

    COPRODUCTION_HUB_STATE     folder for the hub's own state, homes and exchange (required)
    COPRODUCTION_HUB_PORT      port on 127.0.0.1 (default 8000); put TLS in front for real use
    COPRODUCTION_HUB_API_PORT  the hub's own port behind the proxy (default: the port above + 1)
    COPRODUCTION_HUB_USERS     learners' user names, comma-separated (their roster ids)
    COPRODUCTION_HUB_TRAINERS  trainers' user names (hub admins), comma-separated
    COPRODUCTION_HUB_ADMIN_TOKEN  an API token for the course's scripts (tests, load), optional
    COPRODUCTION_HUB_PASSWORD  one shared password: a test and trial authenticator only.
                               For real use, replace the authenticator with your
                               organisation's sign-in (OAuthenticator, LTI, ...).

Learners' servers here run as the hub's own system user (SimpleLocalProcessSpawner),
each in its own home: right for one trusted test machine. For a real hub, use
SystemdSpawner or DockerSpawner on one server, or Zero to JupyterHub on Kubernetes
(deploy/kubernetes/), so that each learner's server is a separate user or container.
"""

import os
import sys
from pathlib import Path

from coproduction.hub.home import prepare_home

c = get_config()  # noqa: F821

REPO = Path(__file__).resolve().parents[2]
STATE = Path(os.environ["COPRODUCTION_HUB_STATE"]).resolve()
EXCHANGE = STATE / "exchange"
BIN = Path(sys.executable).parent
EXCHANGE.mkdir(parents=True, exist_ok=True)
os.chmod(EXCHANGE, 0o1777)  # as nbgrader asks: everyone may add, only owners may remove


def _names(variable):
    return {name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()}


learners, trainers = _names("COPRODUCTION_HUB_USERS"), _names("COPRODUCTION_HUB_TRAINERS")

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("COPRODUCTION_HUB_PORT", "8000"))
c.JupyterHub.hub_port = int(os.environ.get("COPRODUCTION_HUB_API_PORT", c.JupyterHub.port + 1))
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server
c.ConfigurableHTTPProxy.command = [str(REPO / "deploy" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ.get("COPRODUCTION_HUB_PASSWORD", "")
c.Authenticator.allowed_users = learners | trainers
c.Authenticator.admin_users = trainers

token = os.environ.get("COPRODUCTION_HUB_ADMIN_TOKEN")
if token:  # the course's scripts: start learners' servers and act for them, as a trainer's tools would
    c.JupyterHub.services = [{"name": "course-admin", "api_token": token}]
    c.JupyterHub.load_roles = [{"name": "course-admin", "services": ["course-admin"],
                                "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}]

c.JupyterHub.spawner_class = "simple"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/course/00-start-here.ipynb"  # the first page, as make lab opens
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "PATH": f"{BIN}{os.pathsep}/usr/bin:/bin",
    # The course's JupyterLab settings, as `make lab` uses; learners' without nbgrader's
    # instructor tools, which trainers (hub admins) keep.
    "JUPYTER_CONFIG_PATH": lambda spawner: os.pathsep.join(
        [str(REPO / "scripts" / "jupyter-config")]
        + ([] if spawner.user.admin else [str(REPO / "scripts" / "jupyter-config-learner")])),
    # Marks every process of this hub (learners' servers, their kernels), so that
    # stopping it can be checked (coproduction.hub.server.Hub.leftovers).
    "COPRODUCTION_HUB_STATE": str(STATE),
}
if os.geteuid() == 0:  # these test machines run everything as root
    c.Spawner.args = ["--ServerApp.allow_root=True"]
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "home" / "{username}")


def _before_start(spawner):
    """The learner's own copy of the course, and their server opened in it."""
    folder = prepare_home(REPO, Path(spawner.home_dir), EXCHANGE, spawner.user.name)
    spawner.notebook_dir = str(folder)


c.Spawner.pre_spawn_hook = _before_start
