"""The training precision of tools/train.py: what ``auto`` picks on each kind of machine, and the wrappers set."""
import pytest
import torch
from mmengine.config import Config

from mmbegan.engine.optimizers import precision as precision_module
from mmbegan.engine.optimizers import resolve_precision, set_precision


@pytest.fixture
def machine(monkeypatch):
    """Pretend to be a machine with or without CUDA and native CPU bf16."""
    def pretend(cuda: bool, native_bf16: bool):
        """``native_bf16``: of the CPU, and of the CUDA device if there is one."""
        monkeypatch.setattr(torch.cuda, 'is_available', lambda: cuda)
        # as torch's check: bf16 that is only emulated (pre-Ampere GPUs) counts unless including_emulation=False
        monkeypatch.setattr(torch.cuda, 'is_bf16_supported',
                            lambda including_emulation=True: cuda and (native_bf16 or including_emulation))
        monkeypatch.setattr(precision_module, 'native_cpu_bf16', lambda: native_bf16)
    return pretend


def gan_config() -> Config:
    return Config(dict(optim_wrapper=dict(generator=dict(optimizer=dict(type='Adam', lr=1e-3)),
                                          discriminator=dict(optimizer=dict(type='Adam', lr=1e-3)))))


@pytest.mark.parametrize('cuda, native, expected', [
    (True, True, 'cuda bf16'),    # Ampere and later: the mixed precision checked against fp32
    (True, False, 'cuda fp16'),   # older GPUs: as mmagic's --amp
    (False, True, 'cpu bf16'),    # AVX-512 / AMX CPUs
    (False, False, 'fp32'),       # e.g. AVX2 only: emulated bf16 would be slower than fp32
])
def test_auto_takes_mixed_precision_only_where_it_is_fast(machine, cuda, native, expected):
    machine(cuda, native)
    kind, why = resolve_precision('auto')
    assert kind == expected and why.startswith('auto')


@pytest.mark.parametrize('avx512_bf16, amx, onednn_bf16, native', [
    (True, False, True, True),     # AVX-512 BF16 (e.g. AMD Zen 4, Intel Cooper Lake)
    (False, True, True, True),     # AMX (Intel Sapphire Rapids and later)
    (False, False, True, False),   # AVX-512 without bf16 instructions: oneDNN runs bf16, by conversion, slowly
    (False, False, False, False),  # AVX2 only
])
def test_native_cpu_bf16_needs_bf16_instructions(monkeypatch, avx512_bf16, amx, onednn_bf16, native):
    monkeypatch.setattr(torch.cpu, '_is_avx512_bf16_supported', lambda: avx512_bf16)
    monkeypatch.setattr(torch.cpu, '_is_amx_tile_supported', lambda: amx)
    monkeypatch.setattr(torch.ops.mkldnn, '_is_mkldnn_bf16_supported', lambda: onednn_bf16)
    assert precision_module.native_cpu_bf16() is native


def test_explicit_choices_and_amp(machine):
    machine(False, False)
    assert resolve_precision('fp32') == ('fp32', 'asked for')
    assert resolve_precision('amp')[0] == 'cpu bf16' and 'emulated' in resolve_precision('bf16')[1]
    with pytest.raises(RuntimeError, match='fp16: needs a CUDA device'):
        resolve_precision('fp16')
    machine(True, False)
    assert resolve_precision('amp')[0] == 'cuda fp16'
    assert resolve_precision('bf16') == ('cuda bf16', 'asked for (emulated on this GPU: slower than fp16)')
    with pytest.raises(ValueError, match="one of fp32, auto, bf16, fp16, amp, bf16-emulated; got 'half'"):
        resolve_precision('half')


def test_bf16_emulated_is_a_cpu_check_of_bf16(machine):
    machine(False, False)
    cfg = gan_config()
    assert 'from fp32 kernels' in set_precision(cfg, 'bf16-emulated')
    assert all(w['type'] == 'BF16AutocastOptimWrapper' and w['emulate'] for w in cfg.optim_wrapper.values())
    machine(True, False)
    with pytest.raises(RuntimeError, match='on CUDA use bf16'):
        resolve_precision('bf16-emulated')


def test_set_precision_switches_every_wrapper_and_names_the_choice(machine):
    machine(False, True)
    cfg = gan_config()
    assert set_precision(cfg, 'auto') == 'precision: cpu bf16 (auto: this CPU computes bf16 natively)'
    assert {w['type'] for w in cfg.optim_wrapper.values()} == {'BF16AutocastOptimWrapper'}
    machine(True, False)
    cfg = gan_config()
    set_precision(cfg, 'bf16')
    assert all(w['type'] == 'AmpOptimWrapper' and w['dtype'] == 'bfloat16' for w in cfg.optim_wrapper.values())
    cfg = gan_config()
    assert set_precision(cfg, 'fp32') == 'precision: fp32 (asked for)'
    assert all('type' not in w for w in cfg.optim_wrapper.values())


def test_a_foreign_wrapper_is_refused(machine):
    machine(True, False)
    cfg = Config(dict(optim_wrapper=dict(type='ApexOptimWrapper', optimizer=dict(type='Adam', lr=1e-3))))
    with pytest.raises(ValueError, match='needs OptimWrapper, the config uses ApexOptimWrapper'):
        set_precision(cfg, 'auto')
