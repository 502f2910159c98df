"""The package installs anywhere, not only from a source checkout: the wheel holds every module and data file
(prompts, templates, corpus, eval sets), builds without warnings, and, installed into a fresh virtual environment
outside the checkout, ingests a policy file and answers a question about it offline."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow
TOP = ("assistant", "ingest", "eval")
SKIP = {"__pycache__", "reports"}  # eval/reports holds generated reports, not package data


def _package_dirs() -> set[str]:
    dirs = set()
    for top in TOP:
        for path in [PROJECT_ROOT / top, *(PROJECT_ROOT / top).rglob("*")]:
            rel = path.relative_to(PROJECT_ROOT)
            if path.is_dir() and not SKIP & set(rel.parts) and any(f.is_file() for f in path.iterdir()):
                dirs.add(".".join(rel.parts))
    return dirs


def test_every_folder_is_a_listed_package():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    assert _package_dirs() <= listed, sorted(_package_dirs() - listed)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(PROJECT_ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-2000:]
    return next(out.glob("*.whl")), build.stdout + build.stderr


def test_the_wheel_holds_every_module_and_data_file(wheel):
    path, log = wheel
    names = set(zipfile.ZipFile(path).namelist())
    expected = {str(f.relative_to(PROJECT_ROOT)) for top in TOP for f in (PROJECT_ROOT / top).rglob("*")
                if f.is_file() and not SKIP & set(f.relative_to(PROJECT_ROOT).parts) and f.suffix != ".pyc"}
    assert expected <= names, sorted(expected - names)[:10]
    prompts = {f"assistant/prompt_files/{p.name}" for p in (PROJECT_ROOT / "prompts").glob("*.md")}
    assert prompts and prompts <= names
    assert "BuildBackendWarning" not in log and "would be ignored" not in log


def test_the_installed_package_finds_its_prompts_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target),
                              str(wheel[0])], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    code = ("import assistant, assistant.settings as s; from assistant.answer.prompts import PromptLibrary; "
            "PromptLibrary(s.DEFAULT_PROMPTS).check(); print(assistant.__file__); print(s.DEFAULT_PROMPTS)")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr[-2000:]
    module, prompts = run.stdout.split()
    assert module.startswith(str(target)) and prompts.startswith(str(target))


MADEUP_POLICY = PROJECT_ROOT / "tests" / "assistant" / "data" / "madeup_policies" / "madeup_skills_subsidy.md"


def test_the_wheel_in_a_fresh_venv_ingests_and_answers_offline(wheel, tmp_path):
    """The wheel alone in a new virtual environment, run from a folder far from the checkout. Its dependencies
    come from this environment's site-packages through a .pth path entry: a path entry doesn't run that folder's
    .pth files, so the checkout's editable install stays invisible and every module must come from the wheel."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                              "--no-deps", "--no-index", "-q", str(wheel[0])],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    fresh_site = next((venv / "lib").glob("python3*/site-packages"))
    (fresh_site / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(work), "HF_HUB_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False", "POLICY_ASSISTANT_DATA_DIR": str(work / "data"),
           **{k: v for k, v in os.environ.items() if k.startswith("POLICY_ASSISTANT_TEST_")}}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(venv / "bin" / "policy-assistant"), *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=600)

    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import assistant, eval, ingest; "
                            "print(assistant.__file__, eval.__file__, ingest.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert where.returncode == 0, where.stderr[-2000:]
    assert all(path.startswith(str(fresh_site)) for path in where.stdout.split()), where.stdout
    ingested = cli("ingest", str(MADEUP_POLICY))
    assert ingested.returncode == 0, ingested.stderr[-2000:]
    asked = cli("ask", "--json", "取得高级技师职业资格证书的培训补贴是多少？")
    assert asked.returncode == 0, asked.stderr[-2000:]
    answer = json.loads(asked.stdout)
    assert not answer["refused"], answer["answer"]
    assert "3000元" in answer["answer"]
    assert answer["citations"] and all(c["verified"] for c in answer["citations"])
    assert answer["citations"][0]["doc_title"] == "关于做好2024年度高技能人才培训补贴工作的通知"
    assert cli("eval", "--help").returncode == 0  # the measurement commands arrive through their entry point
