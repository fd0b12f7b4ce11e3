"""Shared fixtures: a clean MessageHub / default scope per test and tiny image folders made on the fly."""
import os

import pytest

from tests.helpers import runner_device, write_images

os.environ.setdefault('OMP_NUM_THREADS', '1')


def pytest_addoption(parser):
    parser.addoption('--device', choices=('cpu', 'cuda'), default=None,
                     help='the device the tests marked "device" expect training on (default: cuda where torch '
                          'sees one, as mmengine\'s runner chooses, else cpu)')


def pytest_configure(config):
    asked = config.getoption('--device')
    if asked and asked != runner_device():
        raise pytest.UsageError(f'--device {asked}: mmengine\'s runner trains on {runner_device()} here')


@pytest.fixture(scope='session')
def device() -> str:
    """The device the tests marked ``device`` check that training ran on."""
    return runner_device()


@pytest.fixture(autouse=True)
def _fresh_mm_state():
    """mmengine keeps global instances (MessageHub, DefaultScope, Visualizer); give each test its own."""
    from mmengine.logging import MessageHub, MMLogger
    from mmengine.registry import DefaultScope
    from mmengine.visualization import Visualizer

    import mmbegan  # noqa: F401  registers modules and checkpoint globals
    yield
    for manager in (MessageHub, DefaultScope, Visualizer, MMLogger):
        manager._instance_dict.clear()


@pytest.fixture
def image_folder(tmp_path):
    """Sixteen random 28×28 grayscale PNGs, the raw Fashion-MNIST layout."""
    return write_images(tmp_path / 'imgs', 16, 28, channels=1)
