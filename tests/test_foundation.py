"""The OpenMMLab stack imports, a Runner builds from an mmagic-style config, checkpoints load safely."""
import io
import pickle
import re
import zipfile

import numpy as np
import pytest
import torch
from mmengine.runner import Runner

import mmbegan
from tests.helpers import FASHION_CFG, tiny_cfg


def test_stack_imports_and_version():
    import mmagic.datasets  # noqa: F401
    import mmagic.engine  # noqa: F401
    import mmagic.evaluation  # noqa: F401
    import mmagic.models  # noqa: F401
    import mmcv.ops  # noqa: F401  compiled ops are required by mmagic.models
    assert mmbegan.__version__.count('.') == 2


def test_import_registers_into_mmagic_registries():
    from mmagic.registry import HOOKS, MODELS
    from mmengine.registry import MODEL_WRAPPERS, OPTIM_WRAPPERS
    for name in ('BEGAN', 'BEGANGenerator', 'BEGANDiscriminator'):
        assert MODELS.get(name) is not None
    assert HOOKS.get('BEGANEquilibriumHook') is not None
    assert MODEL_WRAPPERS.get('DeviceAwareSeparateDDP') is not None
    assert OPTIM_WRAPPERS.get('BF16AutocastOptimWrapper') is not None


def test_runner_builds_and_checkpoint_round_trip(tmp_path, image_folder):
    """A Runner from a config with custom_imports trains, saves and resumes under torch's weights-only load."""
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', image_folder, max_iters=2)
    assert cfg.custom_imports == dict(imports=['mmbegan'], allow_failed_imports=False)
    runner = Runner.from_cfg(cfg)
    runner.train()
    ckpt_path = tmp_path / 'work' / 'iter_2.pth'
    ckpt = torch.load(ckpt_path, map_location='cpu')  # weights_only=True is torch's default here
    assert 'k_t' in ckpt['state_dict'] and 'm_global_plateau' in ckpt
    assert ckpt['message_hub']['log_scalars']['train/k_t'].current() == pytest.approx(
        ckpt['state_dict']['k_t'].item())

    cfg2 = tiny_cfg(FASHION_CFG, tmp_path / 'work', image_folder, max_iters=3)
    cfg2.resume = True
    runner2 = Runner.from_cfg(cfg2)
    runner2.train()
    assert runner2.iter == 3


class Evil:
    def __reduce__(self):
        return (print, ('pwned',))


def test_pickle_with_unexpected_global_is_refused(capsys):
    buf = io.BytesIO()
    torch.save({'state_dict': {}, 'meta': Evil()}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match='GLOBAL print was not an allowed global'):
        torch.load(buf)
    assert 'pwned' not in capsys.readouterr().out


class GetattrGadget:
    def __reduce__(self):
        import numpy as np
        return (getattr, (np.dtype, '__subclasses__'))


def test_getattr_gadget_is_refused():
    """builtins.getattr is answered only for HistoryBuffer statistics, not for other attributes."""
    buf = io.BytesIO()
    torch.save({'meta': GetattrGadget()}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="refusing getattr.*__subclasses__"):
        torch.load(buf)


@pytest.mark.parametrize('module', ['numpy.core.multiarray', 'numpy._core.multiarray'])
def test_numpy_arrays_and_scalars_load_as_numpy_1_and_2_pickle_them(module):
    """numpy 2 pickles name ``numpy._core``, numpy 1 ``numpy.core``: checkpoints of either load with the other."""
    buf = io.BytesIO()
    torch.save({'array': np.arange(3.0), 'scalar': np.float64(1.5)}, buf)
    written = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    renamed = io.BytesIO()
    with zipfile.ZipFile(renamed, 'w') as out:
        for name in written.namelist():
            data = written.read(name)
            if name.endswith('data.pkl'):
                data = re.sub(rb'numpy\._?core\.multiarray', module.encode(), data)
                assert data.count(module.encode()) == 2, 'expected the array and the scalar to name the module'
            out.writestr(name, data)
    renamed.seek(0)
    loaded = torch.load(renamed)
    assert np.array_equal(loaded['array'], np.arange(3.0)) and loaded['scalar'] == 1.5
