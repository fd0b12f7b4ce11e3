"""Training speed of a BEGAN config: mmengine's runner against a bare PyTorch loop of the same model.

    python tools/analysis_tools/benchmark.py CONFIG [--iters 20] [--warmup 5] [--repeats 3] [--threads N]
        [--precision P] [--data-root DIR | --synthetic-data N] [--loader-batches 100] [--out FILE]
        [--work-dir DIR] [--cfg-options ...]

Training runs in ``--precision`` (as tools/train.py's option; default: the config's ``precision``, else fp32).
Each repeat measures, in this process (min and median over repeats; ``--warmup`` iterations untimed):
- runner: images/s of ``Runner.from_cfg(cfg).train()`` (tools/train.py's path, data loading included) from
  IterTimerHook's ``train/time``; validation, checkpoints and every custom hook with an ``interval`` are off;
- bare: images/s of ``model.train_step`` on one batch already on the device, the config's optimizers and
  BEGANEquilibriumHook called by the loop: no runner, no data loader;
- fp32 bare: the bare loop in fp32, the eager reference that other precisions are compared with;
- conv peak: GFLOP/s of the model's dominant conv shape at the batch size in the precision trained in: forward
  (channels_last and NCHW) and forward + backward (channels_last);
- layer roofline: every conv shape of the step (Conv2d and ConvTranspose2d) alone, forward + backward; the step's
  conv work at those rates is the time a step cannot beat (other layers counted as free), so bare / roofline ≤ 1
  says how close the step comes, and the per-shape table which layers fall short;
- data loader: images/s of the config's train dataloader alone;
- data preprocessor: milliseconds per training batch of the model's data preprocessor (part of the bare loop);
- achieved GFLOP/s: the analytic FLOPs of a step (:mod:`mmbegan.models.step_flops`) / step time;
- memory: peak RSS after the first bare loop and at the end; on CUDA ``max_memory_allocated`` per measurement.
Without the config's data folder, or with ``--synthetic-data N``, training reads N random PNGs from a temporary
folder, of the size the train pipeline turns into the model's images.
"""
import argparse
import copy
import gc
import json
import os
import os.path as osp
import statistics
import tempfile
import time
from functools import partial
from types import SimpleNamespace
from typing import Callable, ContextManager, Dict, List, Sequence, Tuple

import mmbegan  # noqa: F401 I001  # isort: skip  (first: silences known third-party import warnings)
import torch
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.config import Config, DictAction
from mmengine.logging import MessageHub, MMLogger
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from torch import nn

from mmbegan.apis import check_work_dir, load_config
from mmbegan.apis.machine_info import machine_info, peak_rss_mib
from mmbegan.datasets import check_data_roots
from mmbegan.datasets.random_images import train_on_random_images
from mmbegan.engine import BEGANEquilibriumHook, set_precision
from mmbegan.engine.optimizers.precision import PRECISIONS, optim_wrapper_cfgs, resolve_precision
from mmbegan.models import BEGAN
from mmbegan.models.conv_peak import measure_conv
from mmbegan.models.step_flops import ConvShape, describe, step_flops

DEFAULT_SYNTHETIC_IMAGES = 128
MIB = 1024 * 1024
DEVICE = 'cuda' if torch.cuda.is_available() else 'cpu'  # what mmengine's runner trains on


def sync() -> None:
    """Wait for queued GPU work before the clock is read."""
    if DEVICE == 'cuda':
        torch.cuda.synchronize()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Training throughput of a config: runner, bare loop, FLOP/s')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--iters', type=int, default=20, help='timed iterations (conv calls) per measurement')
    parser.add_argument('--warmup', type=int, default=5, help='untimed iterations before each measurement')
    parser.add_argument('--repeats', type=int, default=3, help='repeats of every measurement (min and median)')
    parser.add_argument('--loader-batches', type=int, default=100,
                        help='timed batches of the data-loader measurement (many, to outlast the prefetch queue)')
    parser.add_argument('--threads', type=int, help='torch.set_num_threads (default: torch\'s choice)')
    parser.add_argument('--precision', choices=PRECISIONS,
                        help="training precision, as tools/train.py's (default: the config's `precision`, else fp32)")
    parser.add_argument('--data-root', help='image folder to train on instead of the config\'s data_root')
    parser.add_argument('--synthetic-data', type=int, metavar='N',
                        help=f'train on N random PNGs in a temporary folder (default, with '
                             f'{DEFAULT_SYNTHETIC_IMAGES} images, when the config\'s data folder does not exist)')
    parser.add_argument('--out', help='JSON results (default: <work_dir>/benchmark.json)')
    parser.add_argument('--work-dir', help='the directory for the runner\'s logs and the JSON results')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config, key=value pairs, e.g. train_dataloader.batch_size=8')
    args = parser.parse_args()
    too_small = [f'--{name.replace("_", "-")} {getattr(args, name)}' for name, low in
                 (('iters', 1), ('warmup', 0), ('repeats', 1), ('loader_batches', 1), ('synthetic_data', 1),
                  ('threads', 1)) if getattr(args, name) is not None and getattr(args, name) < low]
    if too_small:
        parser.error(f'too small: {", ".join(too_small)} (--warmup may be 0, the others must be >= 1)')
    return args


def build_began(cfg: Config, device: str) -> BEGAN:
    """The config's model built through mmagic's MODELS registry and initialised as the runner does."""
    model = MODELS.build(cfg.model)
    if not isinstance(model, BEGAN):
        raise TypeError(f'the benchmark measures BEGAN models, the config builds {type(model).__name__}')
    model.init_weights()
    return model.to(device)


def choose_data(cfg: Config, args: argparse.Namespace, image_shape: Tuple[int, int, int],
                tmp_root: str) -> str:
    """Point the train dataloader at --data-root, or at random images when asked or when the config's folder is
    missing; returns a description of the data."""
    dataset = cfg.train_dataloader.dataset
    if args.data_root:
        dataset.data_root = args.data_root
    num_images = args.synthetic_data
    if num_images is None:
        try:
            check_data_roots(cfg)
            return dataset.data_root
        except FileNotFoundError as err:
            if args.data_root:
                raise
            print(f'{err}\n-> using {DEFAULT_SYNTHETIC_IMAGES} random images instead (--synthetic-data N)')
            num_images = DEFAULT_SYNTHETIC_IMAGES
    description = train_on_random_images(dataset, num_images, image_shape, osp.join(tmp_root, 'images'))
    print(f'wrote {description}')
    return description


def runner_config(cfg: Config, max_iters: int, name: str) -> Tuple[Config, List[str]]:
    """A copy of ``cfg`` for a run of ``max_iters`` that trains only; returns it and what was switched off."""
    cfg = copy.deepcopy(cfg)
    cfg.train_cfg.max_iters = max_iters
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint.update(interval=max_iters + 1, save_last=False)
    switched_off = ['validation', 'checkpoints']
    for hook in cfg.get('custom_hooks', []):
        if 'interval' in hook:
            hook.interval = max_iters + 1
            switched_off.append(hook.type)
    cfg.log_level = 'WARNING'  # no config dump; the table is the output
    cfg.experiment_name = name
    return cfg, switched_off


def measure_runner(cfg: Config, warmup: int, iters: int) -> Dict[str, float]:
    """Train through mmengine's runner; images/s and data wait per iteration after ``warmup`` iterations."""
    runner = Runner.from_cfg(cfg)
    runner.train()
    hub = runner.message_hub
    step_times = hub.get_scalar('train/time').data[0][warmup:]
    data_times = hub.get_scalar('train/data_time').data[0][warmup:]
    del runner, hub  # shuts the persistent data-loader workers down
    gc.collect()
    assert len(step_times) == iters, f'expected {iters} timed iterations, the runner logged {len(step_times)}'
    return dict(img_s=cfg.train_dataloader.batch_size * iters / float(step_times.sum()),
                data_wait_ms=1000 * float(data_times.mean()))


def measure_bare(cfg: Config, device: str, image_shape: Tuple[int, int, int], warmup: int, iters: int) -> float:
    """Images/s of ``model.train_step`` in a plain loop on one batch of random images kept on the device."""
    model = build_began(cfg, device)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    batch_size = cfg.train_dataloader.batch_size
    batch = dict(inputs={}, data_samples=[
        DataSample(gt_img=torch.randint(0, 256, image_shape, dtype=torch.uint8, device=device))
        for _ in range(batch_size)])
    hub = MessageHub.get_instance(f'benchmark-bare-{time.time_ns()}')  # BaseGAN reads the iteration from it
    # the k_t controller of a real run, driven by this loop instead of a runner
    loop = SimpleNamespace(model=model, message_hub=hub, work_dir=tempfile.gettempdir(), iter=0)
    equilibrium = BEGANEquilibriumHook()
    equilibrium.before_train(loop)
    elapsed = 0.0
    for i in range(warmup + iters):
        hub.update_info('iter', i)
        loop.iter = i
        start = time.perf_counter()
        equilibrium.after_train_iter(loop, i, None, model.train_step(batch, optim_wrapper))
        sync()
        if i >= warmup:
            elapsed += time.perf_counter() - start
    return batch_size * iters / elapsed


def measure_preprocessor(cfg: Config, device: str, image_shape: Tuple[int, int, int], warmup: int,
                         iters: int) -> float:
    """Milliseconds per training batch of the model's data preprocessor (uint8 samples on the device to the
    normalised image batch), a fresh copy of the batch per call, as the data loader delivers them."""
    preprocessor = build_began(cfg, device).data_preprocessor
    batches = [dict(inputs={}, data_samples=[
        DataSample(gt_img=torch.randint(0, 256, image_shape, dtype=torch.uint8, device=device))
        for _ in range(cfg.train_dataloader.batch_size)]) for _ in range(warmup + iters)]
    elapsed = 0.0
    for i, batch in enumerate(batches):
        start = time.perf_counter()
        preprocessor(batch, True)
        sync()
        if i >= warmup:
            elapsed += time.perf_counter() - start
    return 1000 * elapsed / iters


def measure_loader(cfg: Config, warmup: int, batches: int) -> float:
    """Images/s of the config's train dataloader alone (worker start-up excluded by ``warmup`` batches)."""
    loader = Runner.build_dataloader(cfg.train_dataloader)
    batches_iter = iter(loader)
    for _ in range(max(warmup, 1)):
        next(batches_iter)
    start = time.perf_counter()
    for _ in range(batches):
        next(batches_iter)
    elapsed = time.perf_counter() - start
    del batches_iter, loader  # shuts the workers down
    return cfg.train_dataloader.batch_size * batches / elapsed


def summarise(values: Sequence[float]) -> Dict[str, object]:
    """Min, median and every run of one quantity."""
    return dict(min=min(values), median=statistics.median(values), runs=list(values))


ROWS = (  # key in the results, label of the table
    ('runner_img_s', 'runner (img/s)'), ('bare_img_s', 'bare loop (img/s)'), ('runner_over_bare', 'runner / bare'),
    ('fp32_bare_img_s', 'fp32 bare loop (img/s)'), ('runner_over_fp32_bare', 'runner / fp32 bare'),
    ('runner_gflop_s', 'runner (GFLOP/s)'), ('bare_gflop_s', 'bare loop (GFLOP/s)'),
    ('conv_peak_gflop_s', 'conv fwd, channels_last (GFLOP/s)'), ('conv_nchw_gflop_s', 'conv fwd, NCHW (GFLOP/s)'),
    ('conv_train_peak_gflop_s', 'conv fwd+bwd, channels_last (GFLOP/s)'),
    ('bare_over_conv_peak', 'bare / conv fwd peak'), ('bare_over_conv_train_peak', 'bare / conv fwd+bwd peak'),
    ('roofline_img_s', 'layer roofline (img/s)'), ('bare_over_roofline', 'bare / layer roofline'),
    ('loader_img_s', 'data loader alone (img/s)'), ('runner_data_wait_ms', 'runner data wait (ms/iter)'),
    ('preprocess_ms', 'data preprocessor (ms/batch)'))


def print_report(report: dict) -> None:
    """The machine, the setup, the FLOP count, the table of results and the memory peaks."""
    machine, setup, flops = report['machine'], report['setup'], report['flops']
    print(f"\nmachine: {machine['cpu']} ({machine['cpu_count']} CPUs, load average {machine['load_average']} at "
          f"start), {machine['torch_threads']} torch threads, torch {machine['torch']}, device {machine['device']}"
          f"{', ' + machine['gpu'] if 'gpu' in machine else ''}, {machine['date']}")
    print(f"config: {setup['config']}, batch {setup['batch_size']}, image {setup['image_shape']}, "
          f"update_mode {flops['update_mode']}; data: {setup['data']}; {setup['precision']}")
    print(f"timing: {setup['repeats']} repeats of {setup['iters']} iterations after {setup['warmup']} warm-up; "
          f"off in the runner: {', '.join(setup['runner_switched_off'])}")
    print(f"FLOPs per step: {flops['step'] / 1e9:.2f} GFLOP (forward of one image: "
          f"G {flops['generator_forward'] / 1e9:.3f}, D {flops['discriminator_forward'] / 1e9:.3f} GFLOP); "
          f"dominant conv: {flops['dominant_conv']}")
    print(f"\n{'quantity':<36}{'min':>12}{'median':>12}")
    for key, label in ROWS:
        result = report['results'][key]
        print(f"{label:<36}{result['min']:>12.4g}{result['median']:>12.4g}")
    print(f"\n{'conv shape (layer roofline, median)':<52}{'work':>8}{'GFLOP/s':>10}{'time':>8}")
    for shape in report['conv_shapes']:
        print(f"{shape['shape']:<52}{shape['work_share']:>8.1%}{shape['gflop_s']['median']:>10.4g}"
              f"{shape['time_share']:>8.1%}")
    memory = ', '.join(f'{key} {value:.0f}' for key, value in report['memory'].items())
    print(f'memory (MiB): {memory}')


def record_cuda_peak(memory: Dict[str, float], key: str, device: str) -> None:
    """Keep the largest ``torch.cuda.max_memory_allocated`` of a measurement (and reset it for the next one)."""
    if device == 'cuda':
        memory[key] = max(memory.get(key, 0.0), torch.cuda.max_memory_allocated() / MIB)
        torch.cuda.reset_peak_memory_stats()


def precision_context(cfg: Config) -> Callable[[nn.Module], Callable[[], ContextManager]]:
    """``module -> context factory`` that runs a module as the config's (first) optimizer wrapper runs the model:
    in the precision trained in; the wrapper is built once per module."""
    wrapper_cfg = optim_wrapper_cfgs(cfg)[0]

    def for_module(module: nn.Module) -> Callable[[], ContextManager]:
        return partial(build_optim_wrapper(module, copy.deepcopy(wrapper_cfg)).optim_context, module)

    return for_module


def roofline_img_s(shapes: Sequence[ConvShape], rates: Sequence[float]) -> float:
    """Images/s of a step whose convs all ran at their shapes' fwd+bwd GFLOP/s and whose other layers were free."""
    return 1e9 / sum(2 * shape.step_macs / rate for shape, rate in zip(shapes, rates))


def conv_shape_report(shapes: Sequence[ConvShape], rates: Sequence[List[float]]) -> List[dict]:
    """Each conv shape: its share of the step's conv work, its GFLOP/s alone and its share of the roofline time."""
    work = sum(shape.step_macs for shape in shapes)
    medians = [statistics.median(runs) for runs in rates]
    total = sum(shape.step_macs / rate for shape, rate in zip(shapes, medians))
    return [dict(shape=describe(shape.layer), work_share=shape.step_macs / work, gflop_s=summarise(runs),
                 time_share=shape.step_macs / median / total) for shape, runs, median in zip(shapes, rates, medians)]


def run_repeats(cfg: Config, fp32_cfg: Config, args: argparse.Namespace, shapes: Sequence[ConvShape],
                image_shape: Tuple[int, int, int], step_flops: float
                ) -> Tuple[Dict[str, List[float]], List[List[float]], Dict[str, float], List[str]]:
    """Every measurement ``args.repeats`` times (``fp32_cfg``: ``cfg`` in fp32, for the reference loop); returns
    the runs of each row, the fwd+bwd GFLOP/s of each conv shape, peak memory and what the runner had switched
    off."""
    batch_size, device = cfg.train_dataloader.batch_size, DEVICE
    runs: Dict[str, List[float]] = {key: [] for key, _ in ROWS}
    shape_rates: List[List[float]] = [[] for _ in shapes]
    memory: Dict[str, float] = {}
    context = precision_context(cfg)
    for repeat in range(args.repeats):
        print(f'repeat {repeat + 1}/{args.repeats}: conv peak, conv shapes, bare loops, data loader, runner',
              flush=True)
        for key, channels_last in (('conv_peak_gflop_s', True), ('conv_nchw_gflop_s', False)):
            runs[key].append(measure_conv(shapes[0].layer, batch_size, device, channels_last, args.warmup,
                                          args.iters, False, context))
        for shape, rates in zip(shapes, shape_rates):
            rates.append(measure_conv(shape.layer, batch_size, device, True, args.warmup, args.iters, True, context))
        runs['conv_train_peak_gflop_s'].append(shape_rates[0][-1])  # the dominant shape is the first
        runs['roofline_img_s'].append(roofline_img_s(shapes, [rates[-1] for rates in shape_rates]))
        record_cuda_peak(memory, 'cuda_max_allocated_conv', device)
        runs['bare_img_s'].append(measure_bare(cfg, device, image_shape, args.warmup, args.iters))
        memory.setdefault('rss_peak_after_bare_loop', peak_rss_mib())
        record_cuda_peak(memory, 'cuda_max_allocated_bare_loop', device)
        runs['fp32_bare_img_s'].append(runs['bare_img_s'][-1] if fp32_cfg is cfg else
                                       measure_bare(fp32_cfg, device, image_shape, args.warmup, args.iters))
        runs['preprocess_ms'].append(measure_preprocessor(cfg, device, image_shape, args.warmup, args.iters))
        runs['loader_img_s'].append(measure_loader(cfg, args.warmup, args.loader_batches))
        run_cfg, switched_off = runner_config(cfg, args.warmup + args.iters, f'benchmark-{repeat}')
        runner = measure_runner(run_cfg, args.warmup, args.iters)
        record_cuda_peak(memory, 'cuda_max_allocated_runner', device)
        runs['runner_img_s'].append(runner['img_s'])
        runs['runner_data_wait_ms'].append(runner['data_wait_ms'])
        runs['runner_over_bare'].append(runner['img_s'] / runs['bare_img_s'][-1])
        runs['runner_over_fp32_bare'].append(runner['img_s'] / runs['fp32_bare_img_s'][-1])
        for name in ('runner', 'bare'):
            runs[f'{name}_gflop_s'].append(runs[f'{name}_img_s'][-1] / batch_size * step_flops / 1e9)
        for peak in ('conv_peak', 'conv_train_peak'):
            runs[f'bare_over_{peak}'].append(runs['bare_gflop_s'][-1] / runs[f'{peak}_gflop_s'][-1])
        runs['bare_over_roofline'].append(runs['bare_img_s'][-1] / runs['roofline_img_s'][-1])
    memory['rss_peak'] = peak_rss_mib()
    return runs, shape_rates, memory, switched_off


def main() -> None:
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    machine = machine_info(DEVICE)
    MMLogger.get_instance('benchmark', log_level='WARNING')  # quiet weight-init and optimizer messages
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    check_work_dir(cfg.work_dir)
    asked = args.precision or cfg.get('precision', 'fp32')
    fp32_cfg = cfg if resolve_precision(asked)[0] == 'fp32' else copy.deepcopy(cfg)
    precision = set_precision(cfg, asked)
    print(precision)
    init_default_scope(cfg.get('default_scope', 'mmagic'))
    flops, shapes, image_shape = step_flops(build_began(cfg, DEVICE), cfg.train_dataloader.batch_size)
    with tempfile.TemporaryDirectory(prefix='benchmark-') as tmp_root:
        data = choose_data(cfg, args, image_shape, tmp_root)
        runs, shape_rates, memory, switched_off = run_repeats(cfg, fp32_cfg, args, shapes, image_shape,
                                                             flops['step'])
    report = dict(
        machine=machine,
        setup=dict(config=args.config, batch_size=cfg.train_dataloader.batch_size,
                   image_shape='x'.join(map(str, image_shape)), data=data, precision=precision,
                   iters=args.iters, warmup=args.warmup,
                   repeats=args.repeats, loader_batches=args.loader_batches, runner_switched_off=switched_off),
        flops=flops,
        results={key: summarise(values) for key, values in runs.items()},
        conv_shapes=conv_shape_report(shapes, shape_rates),
        memory=memory)
    print_report(report)
    out = args.out or osp.join(cfg.work_dir, 'benchmark.json')
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    with open(out, 'w') as f:
        json.dump(report, f, indent=2)
    print(f'results written to {out}')


if __name__ == '__main__':
    main()
