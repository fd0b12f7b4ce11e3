"""Chaos test of long runs: a multi-rank training run hit by faults ends bit-identical to an uninterrupted run.

    python tools/analysis_tools/chaos_test.py [CONFIG] [--iters 300] [--interval 20] [--faults 6] [--seed 0]
        [--nproc 2] [--width 8] [--work-dir DIR] [--cfg-options ...]

The config (default: the Fashion-MNIST 20k config) is shrunk to a tiny model trained on random images for
``--iters`` iterations, checkpointed every ``--interval``, and run through ``tools/dist_train.sh`` (torchrun, gloo
on CPU) with ``--nproc`` ranks. Faults are drawn from ``--seed`` (printed before the run), at least one of each:

- ``sigterm``: pre-emption. The rank reaching the iteration sends SIGTERM to itself and to torchrun, which
  forwards it to every worker: PreemptionHook stops after that iteration with a checkpoint, the workers exit with
  143, and this script relaunches the job with ``--resume``.
- ``sigkill``: a rank SIGKILLs itself; torchrun restarts all workers (each launch gets ``MAX_RESTARTS`` = its
  planned kills) and they resume from the newest complete checkpoint the job wrote.
- ``failed_save``: writing the checkpoint of a checkpoint iteration fails as on a full disk (the ``chaos_local``
  file backend below, registered by this script only); training stops with an error naming the file, the previous
  checkpoint stays intact, and this script relaunches the job with ``--resume``.

Each fault fires once (a marker in ``WORK_DIR/chaos/faults/`` records where). The workers import this file through
the config's ``custom_imports`` for :class:`ChaosHook` and the backend. Then the same config runs uninterrupted, and
the final checkpoints are compared: weights (k_t and the EMA generator included), optimizer states, hook states
(lr decay) and every rank's RNG states must be equal bit for bit. Exit status 0 only when every fault fired, the
run finished and the states are equal.
"""
import argparse
import copy
import json
import os
import os.path as osp
import random
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import mmbegan  # noqa: F401 I001  # isort: skip  (first: silences known third-party import warnings)
import numpy as np
import torch
from mmagic.registry import HOOKS
from mmengine.config import Config, DictAction
from mmengine.dist import get_rank
from mmengine.fileio import register_backend
from mmengine.hooks import Hook

from mmbegan.apis import load_config
from mmbegan.datasets import write_random_images
from mmbegan.engine import AtomicLocalBackend
from mmbegan.engine.elastic_restart import restart_count

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_CONFIG = osp.join(REPO, 'configs/began/began_n32_1xb16-20kiters_fashion-mnist-32x32.py')
KINDS = ('sigterm', 'sigkill', 'failed_save')
ENDS_LAUNCH = ('sigterm', 'failed_save')  # torchrun does not restart these: this script relaunches
IGNORED_KEYS = ('meta', 'message_hub')  # run names, times, log history: not training state


def write_marker(folder: str, name: str) -> None:
    """Record that fault ``name`` fired, with the rank and torchrun attempt, before it strikes."""
    os.makedirs(folder, exist_ok=True)
    record = dict(rank=get_rank(), attempt=restart_count(), time=time.time())
    with open(osp.join(folder, name), 'w') as f:
        json.dump(record, f)


@HOOKS.register_module(force=True)
class ChaosHook(Hook):
    """Fires the planned ``sigterm`` / ``sigkill`` faults (dicts of kind, iteration, rank), each once."""

    priority = 'NORMAL'  # before PreemptionHook, RandomStateHook and the checkpoint hook of the same iteration

    def __init__(self, faults: Sequence[dict], marker_dir: str) -> None:
        self.faults = [dict(fault) for fault in faults]
        self.marker_dir = marker_dir

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        for fault in self.faults:
            name = fault_name(fault)
            if (fault['iteration'] != runner.iter + 1 or fault['rank'] != get_rank()
                    or osp.exists(osp.join(self.marker_dir, name))):
                continue
            write_marker(self.marker_dir, name)
            if fault['kind'] == 'sigkill':
                os.kill(os.getpid(), signal.SIGKILL)
            os.kill(os.getpid(), signal.SIGTERM)  # this rank stops after this very iteration ...
            os.kill(os.getppid(), signal.SIGTERM)  # ... and torchrun signals the others, as a scheduler would


@register_backend('chaos_local', force=True)
class ChaosLocalBackend(AtomicLocalBackend):
    """The atomic local backend, except that the first write of each file in ``fail_on`` fails as on a full
    disk (a marker in ``marker_dir`` records it)."""

    def __init__(self, fail_on: Sequence[str] = (), marker_dir: str = '') -> None:
        super().__init__()
        self.fail_on = set(fail_on)
        self.marker_dir = marker_dir

    def put(self, obj: bytes, filepath) -> None:
        filename = osp.basename(str(filepath))
        name = f'failed_save-{filename}'
        if filename in self.fail_on and not osp.exists(osp.join(self.marker_dir, name)):
            write_marker(self.marker_dir, name)
            raise OSError(28, 'No space left on device (chaos test)', str(filepath))
        super().put(obj, filepath)


def fault_name(fault: dict) -> str:
    """The marker name of a fault: ``<kind>-<iteration>``, or ``failed_save-iter_<N>.pth``."""
    if fault['kind'] == 'failed_save':
        return f'failed_save-iter_{fault["iteration"]}.pth'
    return f'{fault["kind"]}-{fault["iteration"]}'


def plan_faults(count: int, iters: int, interval: int, nproc: int, seed: int) -> List[dict]:
    """``count`` faults (each kind at least once) at distinct iterations drawn from ``seed``, in order; a failed
    save falls on a checkpoint iteration before the last."""
    if count < len(KINDS):
        raise ValueError(f'--faults must be at least {len(KINDS)} (one of each kind: {", ".join(KINDS)}), got {count}')
    rng = random.Random(seed)
    kinds = list(KINDS) + [rng.choice(KINDS) for _ in range(count - len(KINDS))]
    save_slots = list(range(interval, iters, interval))
    failed_saves = kinds.count('failed_save')
    if failed_saves > len(save_slots) or count - failed_saves > iters - 2 - failed_saves:
        raise ValueError(f'{count} faults ({failed_saves} failed saves) do not fit into {iters} iterations with '
                         f'checkpoints every {interval}: raise --iters or lower --interval / --faults')
    save_iters = rng.sample(save_slots, failed_saves)
    other_iters = rng.sample([i for i in range(2, iters) if i not in save_iters], count - failed_saves)
    faults = [dict(kind='failed_save', iteration=i, rank=0) for i in save_iters]
    others = [kind for kind in kinds if kind != 'failed_save']
    faults += [dict(kind=kind, iteration=i, rank=rng.randrange(nproc)) for kind, i in zip(others, other_iters)]
    return sorted(faults, key=lambda fault: fault['iteration'])


def tiny_config(args: argparse.Namespace, data_root: str) -> Config:
    """The config shrunk to a seconds-long run on ``data_root``: tiny widths, no validation, atomic checkpoints
    every ``--interval`` iterations."""
    cfg = load_config(args.config, args.cfg_options)
    cfg.model.generator.base_channels = cfg.model.discriminator.base_channels = args.width
    cfg.train_cfg.update(max_iters=args.iters, val_interval=10 ** 9)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.train_dataloader.update(batch_size=args.batch_size, num_workers=0, persistent_workers=False)
    cfg.train_dataloader.dataset.update(data_root=data_root, data_prefix=dict(gt=''))
    cfg.default_hooks.checkpoint.update(interval=args.interval, save_best=None,
                                        backend_args=dict(backend='atomic_local'))
    cfg.default_hooks.logger.interval = args.interval
    return cfg


def chaos_config(cfg: Config, faults: List[dict], marker_dir: str) -> Config:
    """``cfg`` with the faults armed: this module imported by the workers, :class:`ChaosHook`, ``chaos_local``."""
    cfg = copy.deepcopy(cfg)
    imports = list(cfg.get('custom_imports', {}).get('imports', []))
    cfg.custom_imports = dict(imports=imports + ['tools.analysis_tools.chaos_test'], allow_failed_imports=False)
    hook_faults = [fault for fault in faults if fault['kind'] != 'failed_save']
    cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [dict(type='ChaosHook', faults=hook_faults,
                                                                  marker_dir=marker_dir)]
    cfg.default_hooks.checkpoint.backend_args = dict(
        backend='chaos_local', marker_dir=marker_dir,
        fail_on=[f'iter_{fault["iteration"]}.pth' for fault in faults if fault['kind'] == 'failed_save'])
    return cfg


def free_port() -> int:
    """A TCP port free at the moment, for torchrun's rendezvous."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@dataclass
class Launch:
    """One ``tools/dist_train.sh`` run: its exit status, duration and output."""
    returncode: int
    seconds: float
    output: str


def launch(config: str, work_dir: str, nproc: int, max_restarts: int, resume: bool, log: str,
           timeout: float) -> Launch:
    """Run tools/dist_train.sh once, output into ``log``; on timeout torchrun gets SIGTERM, then SIGKILL."""
    env = dict(os.environ, PORT=str(free_port()), MAX_RESTARTS=str(max_restarts))
    command = ['bash', 'tools/dist_train.sh', config, str(nproc), '--work-dir', work_dir] + (['--resume'] * resume)
    start = time.time()
    with open(log, 'w') as out:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            raise RuntimeError(f'{" ".join(command)} ran past {timeout:.0f} s; output in {log}') from None
    with open(log) as f:
        return Launch(proc.returncode, time.time() - start, f.read())


def differences(a, b, path: str = '') -> List[str]:
    """The paths at which two nested checkpoint structures differ (tensors and arrays compared exactly)."""
    if isinstance(a, torch.Tensor):
        same = isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    elif isinstance(a, np.ndarray):
        same = isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    elif isinstance(a, dict):
        if not isinstance(b, dict) or a.keys() != b.keys():
            return [f'{path or "/"} (keys)']
        return [d for key in a for d in differences(a[key], b[key], f'{path}/{key}')]
    elif isinstance(a, (list, tuple)):
        if type(a) is not type(b) or len(a) != len(b):
            return [f'{path or "/"} (length)']
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f'{path}[{i}]')]
    else:
        same = type(a) is type(b) and a == b
    return [] if same else [path or '/']


def checkpoint_differences(path_a: str, path_b: str) -> List[str]:
    """Where the training states of two checkpoints differ: everything but run names, times and log history
    (``meta`` but its iteration, ``message_hub``)."""
    a, b = torch.load(path_a), torch.load(path_b)
    found = [] if a['meta']['iter'] == b['meta']['iter'] else ['/meta/iter']
    state_a = {key: value for key, value in a.items() if key not in IGNORED_KEYS}
    state_b = {key: value for key, value in b.items() if key not in IGNORED_KEYS}
    return found + differences(state_a, state_b)


def read_markers(marker_dir: str) -> Dict[str, dict]:
    """The faults that fired: marker name -> rank, attempt, time."""
    if not osp.isdir(marker_dir):
        return {}
    markers = {}
    for name in os.listdir(marker_dir):
        with open(osp.join(marker_dir, name)) as f:
            markers[name] = json.load(f)
    return markers


def start_lines(output: str) -> List[str]:
    """tools/train.py's lines saying where each attempt started (rank 0 logs them)."""
    pattern = re.compile(r'(torchrun restart \d+: .*|start of training: .*)$')
    return [match.group(1) for line in output.splitlines() if (match := pattern.search(line))]


def run_chaos(args: argparse.Namespace) -> bool:
    """Plan, run the chaos and the reference run, print what happened; True when everything held."""
    work_dir = osp.abspath(args.work_dir or osp.join('work_dirs', 'chaos_test', time.strftime('%Y%m%d_%H%M%S')))
    if osp.isdir(work_dir) and os.listdir(work_dir):
        raise FileExistsError(f'work dir {work_dir} is not empty: pass a new --work-dir')
    chaos_dir = osp.join(work_dir, 'chaos')
    marker_dir = osp.join(chaos_dir, 'faults')
    data_root = write_random_images(osp.join(work_dir, 'data'), args.images, args.image_size, args.channels)
    faults = plan_faults(args.faults, args.iters, args.interval, args.nproc, args.seed)
    cfg = tiny_config(args, data_root)
    reference_config, chaos_config_file = osp.join(work_dir, 'reference.py'), osp.join(chaos_dir, 'chaos.py')
    os.makedirs(chaos_dir, exist_ok=True)
    cfg.dump(reference_config)
    chaos_config(cfg, faults, marker_dir).dump(chaos_config_file)
    print(f'chaos test: {args.nproc} ranks, {args.iters} iterations, checkpoint every {args.interval}, '
          f'work dir {work_dir}')
    print(f'faults (seed {args.seed}):')
    for i, fault in enumerate(faults, 1):
        rank = '' if fault['kind'] == 'failed_save' else f' on rank {fault["rank"]}'
        print(f'  {i}. {fault["kind"]:<11} at iteration {fault["iteration"]}{rank}')

    reference_dir = osp.join(work_dir, 'reference')
    result = launch(reference_config, reference_dir, args.nproc, 0, False, osp.join(work_dir, 'reference.log'),
                    args.timeout)
    print(f'reference run (uninterrupted): exit {result.returncode} after {result.seconds:.0f} s')
    if result.returncode != 0:
        print(result.output[-3000:])
        return False

    run_dir = osp.join(work_dir, 'run')
    pending, launches = list(faults), 0
    while True:
        ending = next((i for i, fault in enumerate(pending) if fault['kind'] in ENDS_LAUNCH), None)
        segment = pending if ending is None else pending[:ending + 1]
        kills = sum(fault['kind'] == 'sigkill' for fault in segment)
        launches += 1
        result = launch(chaos_config_file, run_dir, args.nproc, kills, launches > 1,
                        osp.join(chaos_dir, f'launch_{launches}.log'), args.timeout)
        print(f'launch {launches} ({"--resume, " if launches > 1 else ""}MAX_RESTARTS={kills}): exit '
              f'{result.returncode} after {result.seconds:.0f} s')
        for line in start_lines(result.output):
            print(f'    {line}')
        markers = read_markers(marker_dir)
        for fault in segment:
            marker = markers.get(fault_name(fault))
            where = f'rank {marker["rank"]}, torchrun attempt {marker["attempt"]}' if marker else 'did NOT fire'
            print(f'  {fault["kind"]} at iteration {fault["iteration"]}: {where}')
        ok = all(fault_name(fault) in markers for fault in segment)
        if ending is None:
            if not (ok and result.returncode == 0):
                print(result.output[-3000:])
                return False
            break
        final = segment[-1]
        expected = (f'SIGTERM: stopping after iteration {final["iteration"]}' if final['kind'] == 'sigterm'
                    else f'iter_{final["iteration"]}.pth failed (OSError')
        stopped_as_planned = result.returncode != 0 and expected in result.output
        print(f'    stopped as planned ({expected!r} in the output): {stopped_as_planned}')
        ok = ok and stopped_as_planned
        if not ok:
            print(result.output[-3000:])
            return False
        pending = pending[ending + 1:]

    fired = sum(fault_name(fault) in read_markers(marker_dir) for fault in faults)
    print(f'faults injected: {fired} of {len(faults)} planned; survived: {fired} (the run finished) in {launches} '
          'launches')
    final_name = f'iter_{args.iters}.pth'
    chaos_final, reference_final = osp.join(run_dir, final_name), osp.join(reference_dir, final_name)
    if not (osp.isfile(chaos_final) and osp.isfile(reference_final)):
        print(f'final checkpoint missing: {chaos_final} or {reference_final}')
        return False
    found = checkpoint_differences(chaos_final, reference_final)
    state = torch.load(chaos_final)
    compared = ', '.join(key for key in state if key not in IGNORED_KEYS)
    print(f'final checkpoints ({final_name}; compared: {compared}, k_t={state["state_dict"]["k_t"].item():.6f}): '
          + ('bit-identical to the uninterrupted run' if not found else f'DIFFER at {", ".join(found[:10])}'))
    return ok and fired == len(faults) and not found


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Faults injected into a distributed run; the end state must '
                                                 'equal an uninterrupted run\'s')
    parser.add_argument('config', nargs='?', default=DEFAULT_CONFIG, help='train config file path')
    parser.add_argument('--iters', type=int, default=300, help='training iterations')
    parser.add_argument('--interval', type=int, default=20, help='checkpoint interval (iterations)')
    parser.add_argument('--faults', type=int, default=6, help='faults to inject (at least 3, one of each kind)')
    parser.add_argument('--seed', type=int, default=0, help='seed of the fault plan (kinds, iterations, ranks)')
    parser.add_argument('--nproc', type=int, default=2, help='ranks (torchrun processes)')
    parser.add_argument('--width', type=int, default=8, help='base channels of generator and discriminator')
    parser.add_argument('--batch-size', type=int, default=4, help='batch size per rank')
    parser.add_argument('--images', type=int, default=64, help='random training images')
    parser.add_argument('--image-size', type=int, default=28, help='side of the random images (before the '
                                                                   'pipeline pads them)')
    parser.add_argument('--channels', type=int, default=1, help='channels of the random images')
    parser.add_argument('--timeout', type=float, default=900, help='seconds allowed per launch')
    parser.add_argument('--work-dir', help='an empty or new folder (default: work_dirs/chaos_test/<time>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override settings of the config')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Exit status: 0 when every fault fired and was survived and the end state equals the reference."""
    passed = run_chaos(parse_args(argv))
    print(f'chaos test {"PASSED" if passed else "FAILED"}')
    return 0 if passed else 1


if __name__ == '__main__':
    sys.exit(main())
