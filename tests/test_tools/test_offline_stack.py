"""tools/offline_stack.sh and tools/build_mmcv.sh: clear errors before any work, and requirements/offline.txt held to
the same versions as the online set-up."""
import re
import subprocess

from tests.helpers import REPO


def run(*args):
    return subprocess.run(['bash', *args], cwd=REPO, capture_output=True, text=True, timeout=60)


def pins(path: str) -> dict:
    """Package name (normalised) → version specifier of every requirement line that has one."""
    found = {}
    for line in open(f'{REPO}/{path}'):
        match = re.match(r'([A-Za-z0-9_.-]+)\s*([<>=!~].*)', line.split('#')[0].strip())
        if match:
            found[re.sub(r'[-_.]+', '-', match.group(1)).lower()] = match.group(2).strip()
    return found


def test_offline_requirements_pin_what_the_online_set_up_pins():
    offline, constraints = pins('requirements/offline.txt'), pins('requirements/constraints.txt')
    shared = offline.keys() & constraints.keys()
    assert {'mmengine', 'mmagic', 'diffusers', 'transformers', 'huggingface-hub', 'setuptools'} <= shared
    assert {name: offline[name] for name in shared} == {name: constraints[name] for name in shared}


def test_offline_stack_explains_its_usage_and_wants_a_download_first(tmp_path):
    proc = run('tools/offline_stack.sh')
    assert proc.returncode == 2 and 'offline_stack.sh download DIR' in proc.stderr
    proc = run('tools/offline_stack.sh', 'install', str(tmp_path))
    assert proc.returncode == 1 and f'no mmcv-2.1.0.tar.gz in {tmp_path}: run download first' in proc.stderr


def test_build_mmcv_names_a_missing_source_archive(tmp_path):
    proc = run('tools/build_mmcv.sh', str(tmp_path / 'mmcv-2.1.0.tar.gz'), str(tmp_path / 'wheels'))
    assert proc.returncode == 1 and f'no mmcv source archive at {tmp_path}/mmcv-2.1.0.tar.gz' in proc.stderr
