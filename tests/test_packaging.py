"""An operator installs the package (not editable) into a clean virtualenv and runs it from anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.slow
def test_pip_install_gives_a_working_app(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    install = subprocess.run(
        [str(bin_dir / "pip"), "install", "--quiet", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-3000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TREFPUNT_", "PYTHON", "VIRTUAL_ENV"))}
    env["TREFPUNT_INSTANCE_PATH"] = str(tmp_path / "instance")

    def trefpunt(*args: str) -> str:
        done = subprocess.run(
            [str(bin_dir / "trefpunt"), *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    trefpunt("init")
    assert "leermiddelen toegevoegd" in trefpunt("seed")
    trefpunt("index", "rebuild")
    found = json.loads(trefpunt("search", "digid", "--json"))
    assert found["total"] >= 3

    # The installed package carries its templates, static files and translations.
    page = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "from trefpunt import create_app; c = create_app().test_client();"
            "r = c.get('/zoeken?q=digid'); s = c.get('/static/css/trefpunt.css');"
            "e = c.get('/zoeken?q=digid&lang=en');"
            "print(r.status_code, s.status_code, 'DigiD' in r.get_data(as_text=True), e.status_code)",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert page.stdout.split() == ["200", "200", "True", "200"], page.stderr[-3000:]
    installed = subprocess.run(
        [str(bin_dir / "python"), "-c", "import trefpunt; print(trefpunt.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    assert str(env_dir) in installed and str(ROOT) not in installed
    assert sys.executable not in installed
