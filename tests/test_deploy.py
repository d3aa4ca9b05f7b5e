"""The deployment files agree with the project and with each other (issue 20).

The hub itself is tested end to end in ``test_hub.py``; the container image
and the Kubernetes values cannot be built or deployed here, so these tests
check what would otherwise drift silently: the image installs exactly the
lock with the Makefile's uv, its start script makes the learner's copy the
hub test uses, and the values file starts that script with the exchange
where the image expects it.
"""

from __future__ import annotations

import json
import re

import yaml

from coproduction.hub.home import COPIED, prepare_home
from coproduction.learner import WORK_FOLDER

from .conftest import ROOT

DOCKERFILE = (ROOT / "deploy" / "docker" / "Dockerfile").read_text(encoding="utf-8")
START = (ROOT / "deploy" / "docker" / "start-learner.sh").read_text(encoding="utf-8")
VALUES = yaml.safe_load((ROOT / "deploy" / "kubernetes" / "values.yaml").read_text(encoding="utf-8"))


def test_the_image_installs_the_lock_with_the_makefiles_uv() -> None:
    uv = re.search(r"^UV_VERSION := (\S+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert uv and f'"uv=={uv.group(1)}"' in DOCKERFILE
    assert "--no-deps -r requirements.lock" in DOCKERFILE and "--no-deps -e ." in DOCKERFILE
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for learner_data in ("my-work", "cohorts", ".nbgrader", "hub-state", ".venv"):
        assert learner_data in ignored, f"the image must not carry {learner_data}"


def test_the_values_start_the_images_script_with_the_exchange_where_it_expects() -> None:
    single = VALUES["singleuser"]
    script = re.search(r'^CMD \["([^"]+)"\]', DOCKERFILE, re.M)
    assert script and single["cmd"] == script.group(1) == "/srv/course/deploy/docker/start-learner.sh"
    exchange = re.search(r"^ENV COPRODUCTION_EXCHANGE=(\S+)", DOCKERFILE, re.M)
    assert exchange and single["extraEnv"]["COPRODUCTION_EXCHANGE"] == exchange.group(1)
    assert [m["mountPath"] for m in single["storage"]["extraVolumeMounts"]] == [exchange.group(1)]
    assert "coproduction.hub.home" in START and 'root_dir="$folder"' in START
    assert VALUES["hub"]["db"]["type"] == "postgres"
    trainer = next(p for p in single["profileList"] if p["display_name"] == "Trainer")
    assert trainer["kubespawner_override"]["environment"]["COPRODUCTION_GRADEBOOK"].startswith("postgresql+psycopg://")


def test_a_learners_copy_is_theirs_and_points_nbgrader_at_the_exchange(tmp_path) -> None:
    home, exchange = tmp_path / "home" / "ada", tmp_path / "exchange"
    folder = prepare_home(ROOT, home, exchange, "ada")
    for name in COPIED:
        assert (folder / name).is_dir()
    assert list((folder / WORK_FOLDER / "reflections").glob("*.md")), "each module's reflections page"
    assert not (folder / WORK_FOLDER / "ladder").exists(), "exercises come from the exchange, not a copy"
    assert (folder / "Makefile").read_text() == (ROOT / "scripts" / "learner.mk").read_text()
    config = (home / ".jupyter" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f"c.Exchange.root = {str(exchange)!r}" in config
    assert "c.CourseDirectory.student_id = 'ada'" in config
    assert f"c.Exchange.assignment_dir = {str(folder / WORK_FOLDER)!r}" in config
    mine = folder / "course" / "01-the-ladder.ipynb"
    nb = json.loads(mine.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "id": "mine", "metadata": {}, "source": ["my notes"]})
    notes = json.dumps(nb)
    mine.write_text(notes, encoding="utf-8")
    prepare_home(ROOT, home, exchange, "ada")  # the next start
    assert mine.read_text(encoding="utf-8") == notes, "a later start never overwrites the learner's copy"


def test_the_hub_config_describes_every_setting_it_reads() -> None:
    config = (ROOT / "deploy" / "hub" / "jupyterhub_config.py").read_text(encoding="utf-8")
    read = set(re.findall(r'"(COPRODUCTION_HUB_[A-Z_]+)"', config))
    documented = set(re.findall(r"^\s+(COPRODUCTION_HUB_[A-Z_]+)\s", config, re.M))
    assert read and read <= documented, f"settings read but not described: {read - documented}"
