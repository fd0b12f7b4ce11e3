"""Benchmark the training speed of a BEGAN config: mmengine's runner against a bare PyTorch loop of the same model.

    python tools/benchmark.py configs/began_celeba.py [--iters 20] [--warmup 5] [--repeats 3] [--threads N]
                              [--device {cpu,cuda}] [--data-root DIR | --synthetic-data N] [--loader-batches 100]
                              [--out FILE] [--work-dir DIR] [--cfg-options k=v ...]

Each repeat measures, in this process on this machine:

- runner: images/s of ``Runner.from_cfg(cfg).train()`` (the path of tools/train.py, data loading included) from
  the per-iteration ``train/time`` that IterTimerHook writes to the message hub, ``--warmup`` iterations excluded.
  Validation and checkpoints are off and every custom hook with an ``interval`` (sample grids, reconstructions)
  gets one beyond the run, so the run times training alone;
- bare: images/s of ``model.train_step`` on one batch of random images already on the device, with the
  optimizers of the config's ``optim_wrapper``: no runner, no hooks, no data loader; k_t is updated as
  BEGANEquilibriumHook does;
- conv peak: GFLOP/s of a channels_last forward of the model's dominant conv shape at the config's batch size
  (and, for comparison, of the same conv in the contiguous NCHW layout the model uses);
- data loader: images/s of the config's train dataloader iterated without training.

Achieved GFLOP/s = FLOPs of one training step / step time. The count is analytic: F_G and F_D are the FLOPs of one
image through G and through D, 2·MACs summed over every Conv2d, ConvTranspose2d and Linear layer (activations,
upsampling, losses and the optimizer are not counted). A backward that needs weight and input gradients costs
2 forwards, one that needs input gradients only costs 1, a forward under ``no_grad`` has none. With batch B and
s = generator_steps / discriminator_steps G steps per iteration, one step costs

    alternating (BaseGAN's flow):
        D step  G forward under no_grad on B noise vectors            1·F_G·B
                D forward + backward on the 2B real and fake images  3·F_D·2B
        G step  G forward + backward on B                            3·F_G·B·s
                D forward + input-gradient backward on B             2·F_D·B·s     (D parameters frozen)
        total (s = 1)                                                (4·F_G + 8·F_D)·B
    simultaneous (one D forward serves both losses):
        G forward + backward on B                                    3·F_G·B
        D forward + backward of L_D on 2B                            3·F_D·2B
        input-gradient backward of L_G through D on B                1·F_D·B
        total                                                        (3·F_G + 7·F_D)·B

The first layer of each network needs no input gradient, so the count is high by that layer's share (small: it
maps 1–3 image channels or Nz noise values).

Memory: the process's peak RSS (ru_maxrss) after the first bare loop and at the end (data-loader workers are
separate processes and not included), and on CUDA ``torch.cuda.max_memory_allocated`` of each measurement.

Without a dataset (the config's data folder is missing) or with ``--synthetic-data N`` the data is N random PNGs
in a temporary folder, of the size the train pipeline turns into the model's images.
"""
import argparse
import copy
import datetime
import gc
import json
import os
import os.path as osp
import resource
import statistics
import sys
import tempfile
import time
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmagic.registry import MODELS  # noqa: E402
from mmagic.structures import DataSample  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.logging import MessageHub, MMLogger  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from torch import nn  # noqa: E402

from mmbegan.models import BEGAN  # noqa: E402
from mmbegan.models.equilibrium import next_k  # noqa: E402
from mmbegan.utils.cli import check_data_roots, check_work_dir, load_config  # noqa: E402

COUNTED_LAYERS = (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)
DEFAULT_SYNTHETIC_IMAGES = 128
MIB = 1024 * 1024
RUNNER_DEVICE = 'cuda' if torch.cuda.is_available() else 'cpu'  # what mmengine's runner picks


class Layer(NamedTuple):
    """A counted layer as one image's forward pass through G or D meets it."""
    network: str  # 'generator' or 'discriminator'
    module: nn.Module
    in_shape: Tuple[int, ...]  # input shape of one image, e.g. (C, H, W)
    macs: int  # multiply-accumulates for one image


def int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``minimum``."""
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f'must be >= {minimum}, got {value}')
        return value
    return parse


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Training throughput of a config: runner, bare loop, FLOP/s')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--iters', type=int_at_least(1), default=20,
                        help='timed iterations (conv calls) per measurement')
    parser.add_argument('--warmup', type=int_at_least(0), default=5, help='untimed iterations before each measurement')
    parser.add_argument('--repeats', type=int_at_least(1), default=3,
                        help='repeats of every measurement (min and median)')
    parser.add_argument('--loader-batches', type=int_at_least(1), default=100,
                        help='timed batches of the data-loader measurement (many, to outlast the prefetch queue)')
    parser.add_argument('--threads', type=int_at_least(1), help='torch.set_num_threads (default: torch\'s choice)')
    parser.add_argument('--device', choices=['cpu', 'cuda'], default=RUNNER_DEVICE,
                        help='cuda when available, else cpu: the device the runner trains on')
    parser.add_argument('--data-root', help='image folder to train on instead of the config\'s data_root')
    parser.add_argument('--synthetic-data', type=int_at_least(1), metavar='N',
                        help=f'train on N random PNGs in a temporary folder (default, with '
                             f'{DEFAULT_SYNTHETIC_IMAGES} images, when the config\'s data folder does not exist)')
    parser.add_argument('--out', help='JSON results (default: <work_dir>/benchmark.json)')
    parser.add_argument('--work-dir', help='the directory for the runner\'s logs and the JSON results')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config, key=value pairs, e.g. train_dataloader.batch_size=8')
    parser.set_defaults(launcher='none', local_rank=0)  # what load_config expects; the benchmark runs one process
    return parser.parse_args()


def machine_info(device: str) -> Dict[str, str]:
    """CPU model, torch threads, load average (the machine may be shared), torch version, device (and GPU name)
    and the date."""
    cpu = 'unknown CPU'
    if osp.isfile('/proc/cpuinfo'):
        with open('/proc/cpuinfo') as f:
            cpu = next((line.split(':', 1)[1].strip() for line in f if line.startswith('model name')), cpu)
    info = dict(cpu=cpu, cpu_count=str(os.cpu_count()), torch_threads=str(torch.get_num_threads()),
                load_average=' '.join(f'{load:.2f}' for load in os.getloadavg()), torch=torch.__version__,
                device=device, date=datetime.datetime.now().astimezone().isoformat(timespec='seconds'))
    if device == 'cuda':
        info['gpu'] = torch.cuda.get_device_name()
    return info


def build_began(cfg: Config, device: str) -> BEGAN:
    """The config's model built through mmagic's MODELS registry and initialised as the runner does."""
    model = MODELS.build(cfg.model)
    if not isinstance(model, BEGAN):
        raise TypeError(f'tools/benchmark.py measures BEGAN models, the config builds {type(model).__name__}')
    model.init_weights()
    return model.to(device)


def trace_layers(model: BEGAN) -> Tuple[List[Layer], Tuple[int, int, int]]:
    """Run one generated image through G and D and record every counted layer; also returns its (C, H, W)."""
    layers: List[Layer] = []

    def recorder(network: str) -> Callable:
        def record(module: nn.Module, inputs: tuple, output: torch.Tensor) -> None:
            # weight[0] is one output unit's kernel (Conv2d, Linear) or one input unit's (ConvTranspose2d)
            per_unit = output if not isinstance(module, nn.ConvTranspose2d) else inputs[0]
            layers.append(Layer(network, module, tuple(inputs[0].shape[1:]),
                                module.weight[0].numel() * per_unit[0].numel()))
        return record

    handles = [module.register_forward_hook(recorder(network)) for network in ('generator', 'discriminator')
               for module in getattr(model, network).modules() if isinstance(module, COUNTED_LAYERS)]
    with torch.no_grad():
        fake = model.generator(model.noise_fn(num_batches=1), return_noise=False)
        model.discriminator(fake)
    for handle in handles:
        handle.remove()
    return layers, tuple(fake.shape[1:])


def forward_passes(model: BEGAN) -> Dict[str, float]:
    """Forward-pass equivalents per image and training step of G and D (see the module docstring)."""
    if model.update_mode == 'simultaneous':
        return dict(generator=3.0, discriminator=7.0)
    gen_steps = model.generator_steps / model.discriminator_steps
    return dict(generator=1 + 3 * gen_steps, discriminator=6 + 2 * gen_steps)


def dominant_conv(layers: Sequence[Layer], passes: Dict[str, float]) -> Layer:
    """The Conv2d shape that does the most work in a training step (a representative layer of it)."""
    work: Dict[tuple, float] = {}
    first: Dict[tuple, Layer] = {}
    for layer in layers:
        conv = layer.module
        if type(conv) is nn.Conv2d:
            key = (layer.in_shape, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, conv.groups)
            work[key] = work.get(key, 0.0) + layer.macs * passes[layer.network]
            first.setdefault(key, layer)
    return first[max(work, key=work.get)]


def describe_conv(layer: Layer) -> str:
    """E.g. '3x3 conv 64->64, stride 1, on 64x64'."""
    conv = layer.module
    channels, height, width = layer.in_shape
    return (f'{conv.kernel_size[0]}x{conv.kernel_size[1]} conv {channels}->{conv.out_channels}, stride '
            f'{conv.stride[0]}, on {height}x{width}')


def synthetic_file_shape(cfg: Config, image_shape: Tuple[int, int, int]) -> Tuple[int, int, int]:
    """(C, H, W) of files that the train pipeline turns into ``image_shape``: less any NumpyPad padding."""
    channels, height, width = image_shape
    for transform in cfg.train_dataloader.dataset.pipeline:
        if transform['type'] == 'NumpyPad':
            pad = np.broadcast_to(np.asarray(transform['padding']), (3, 2))
            height, width = height - int(pad[0].sum()), width - int(pad[1].sum())
    return channels, height, width


def write_random_pngs(folder: str, num: int, shape: Tuple[int, int, int]) -> None:
    """``num`` PNGs of uniform random pixels of (C, H, W) ``shape``."""
    import cv2
    channels, height, width = shape
    rng = np.random.default_rng(0)
    for i in range(num):
        pixels = rng.integers(0, 256, (height, width, channels), dtype=np.uint8)
        cv2.imwrite(osp.join(folder, f'{i:05d}.png'), pixels)


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
    shape = synthetic_file_shape(cfg, image_shape)
    folder = osp.join(tmp_root, 'images')
    os.makedirs(folder)
    write_random_pngs(folder, num_images, shape)
    dataset.data_root, dataset.data_prefix = folder, dict(gt='')
    description = f'synthetic: {num_images} random {shape[1]}x{shape[2]}x{shape[0]} PNGs in {folder}'
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


def sync(device: str) -> None:
    """Wait for queued GPU work before reading the clock."""
    if device == 'cuda':
        torch.cuda.synchronize()


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


def update_k(model: BEGAN, outputs: Dict[str, torch.Tensor]) -> None:
    """k_t ← clip(k_t + λ_k (γ L(x) − L(G(z_G))), 0, 1), the control law of BEGANEquilibriumHook."""
    model.k_t.copy_(next_k(model.k_t, model.gamma, model.lambda_k, outputs['recon_real'], outputs['recon_fake'])[0])


def measure_bare(cfg: Config, device: str, image_shape: Tuple[int, int, int], warmup: int, iters: int) -> float:
    """Images/s of ``model.train_step`` in a plain loop on one batch of random images kept on the device."""
    model = build_began(cfg, device)
    model.equilibrium_hook_attached = True  # this loop updates k_t itself
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    batch_size = cfg.train_dataloader.batch_size
    batch = dict(inputs={}, data_samples=[
        DataSample(gt_img=torch.randint(0, 256, image_shape, dtype=torch.uint8, device=device))
        for _ in range(batch_size)])
    hub = MessageHub.get_instance(f'benchmark-bare-{time.time_ns()}')  # BaseGAN reads the iteration from it
    elapsed = 0.0
    for i in range(warmup + iters):
        hub.update_info('iter', i)
        start = time.perf_counter()
        update_k(model, model.train_step(batch, optim_wrapper))
        sync(device)
        if i >= warmup:
            elapsed += time.perf_counter() - start
    return batch_size * iters / elapsed


def measure_conv(layer: Layer, batch_size: int, device: str, channels_last: bool, warmup: int,
                 iters: int) -> float:
    """GFLOP/s of the forward of a fresh conv of ``layer``'s shape on a random batch, without gradients."""
    conv = layer.module
    fresh = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                      groups=conv.groups).to(device)
    x = torch.randn(batch_size, *layer.in_shape, device=device)
    if channels_last:
        fresh, x = fresh.to(memory_format=torch.channels_last), x.to(memory_format=torch.channels_last)
    with torch.no_grad():
        for _ in range(warmup):
            fresh(x)
        sync(device)
        start = time.perf_counter()
        for _ in range(iters):
            fresh(x)
        sync(device)
    return 2 * layer.macs * batch_size * iters / (time.perf_counter() - start) / 1e9


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


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summarise(values: Sequence[float]) -> Dict[str, object]:
    """Min, median and every run of one quantity."""
    return dict(min=min(values), median=statistics.median(values), runs=list(values))


ROWS = (  # key in the results, label of the table
    ('runner_img_s', 'runner (img/s)'),
    ('bare_img_s', 'bare loop (img/s)'),
    ('runner_over_bare', 'runner / bare'),
    ('runner_gflop_s', 'runner (GFLOP/s)'),
    ('bare_gflop_s', 'bare loop (GFLOP/s)'),
    ('conv_peak_gflop_s', 'conv peak, channels_last (GFLOP/s)'),
    ('conv_nchw_gflop_s', 'same conv, NCHW (GFLOP/s)'),
    ('bare_over_conv_peak', 'bare / conv peak'),
    ('loader_img_s', 'data loader alone (img/s)'),
    ('runner_data_wait_ms', 'runner data wait (ms/iter)'),
)


def print_report(report: dict) -> None:
    """The machine, the setup, the FLOP count, the table of results and the memory peaks."""
    machine, setup, flops = report['machine'], report['setup'], report['flops']
    print(f"\nmachine: {machine['cpu']} ({machine['cpu_count']} CPUs, load average {machine['load_average']} at "
          f"start), {machine['torch_threads']} torch threads, torch {machine['torch']}, device {machine['device']}"
          f"{', ' + machine['gpu'] if 'gpu' in machine else ''}, {machine['date']}")
    print(f"config: {setup['config']}, batch {setup['batch_size']}, image {setup['image_shape']}, "
          f"update_mode {flops['update_mode']}; data: {setup['data']}")
    print(f"timing: {setup['repeats']} repeats of {setup['iters']} iterations after {setup['warmup']} warm-up; "
          f"off in the runner: {', '.join(setup['runner_switched_off'])}")
    print(f"FLOPs per step: {flops['step'] / 1e9:.2f} GFLOP (forward of one image: "
          f"G {flops['generator_forward'] / 1e9:.3f}, D {flops['discriminator_forward'] / 1e9:.3f} GFLOP); "
          f"dominant conv: {flops['dominant_conv']}")
    print(f"\n{'quantity':<36}{'min':>12}{'median':>12}")
    for key, label in ROWS:
        result = report['results'][key]
        print(f"{label:<36}{result['min']:>12.4g}{result['median']:>12.4g}")
    memory = ', '.join(f'{key} {value:.0f}' for key, value in report['memory'].items())
    print(f'memory (MiB): {memory}')


def count_flops(cfg: Config, device: str) -> Tuple[Dict[str, object], Layer, Tuple[int, int, int]]:
    """The step's FLOP count (see the module docstring), its dominant conv and the model's (C, H, W) images."""
    model = build_began(cfg, device)
    layers, image_shape = trace_layers(model)
    passes = forward_passes(model)
    forward = {network: 2.0 * sum(layer.macs for layer in layers if layer.network == network) for network in passes}
    conv = dominant_conv(layers, passes)
    flops = dict(step=cfg.train_dataloader.batch_size * sum(passes[net] * forward[net] for net in passes),
                 generator_forward=forward['generator'], discriminator_forward=forward['discriminator'],
                 forward_passes_per_image=passes, update_mode=model.update_mode, dominant_conv=describe_conv(conv))
    return flops, conv, image_shape


def record_cuda_peak(memory: Dict[str, float], key: str, device: str) -> None:
    """Keep the largest ``torch.cuda.max_memory_allocated`` of a measurement (and reset it for the next one)."""
    if device == 'cuda':
        memory[key] = max(memory.get(key, 0.0), torch.cuda.max_memory_allocated() / MIB)
        torch.cuda.reset_peak_memory_stats()


def run_repeats(cfg: Config, args: argparse.Namespace, conv: Layer, image_shape: Tuple[int, int, int],
                step_flops: float) -> Tuple[Dict[str, List[float]], Dict[str, float], List[str]]:
    """Every measurement ``args.repeats`` times; returns the runs of each row, peak memory and what the runner
    had switched off."""
    batch_size, device = cfg.train_dataloader.batch_size, args.device
    runs: Dict[str, List[float]] = {key: [] for key, _ in ROWS}
    memory: Dict[str, float] = {}
    for repeat in range(args.repeats):
        print(f'repeat {repeat + 1}/{args.repeats}: conv peak, bare loop, data loader, runner', flush=True)
        runs['conv_peak_gflop_s'].append(measure_conv(conv, batch_size, device, True, args.warmup, args.iters))
        runs['conv_nchw_gflop_s'].append(measure_conv(conv, batch_size, device, False, args.warmup, args.iters))
        record_cuda_peak(memory, 'cuda_max_allocated_conv', device)
        runs['bare_img_s'].append(measure_bare(cfg, device, image_shape, args.warmup, args.iters))
        memory.setdefault('rss_peak_after_bare_loop', peak_rss_mib())
        record_cuda_peak(memory, 'cuda_max_allocated_bare_loop', device)
        runs['loader_img_s'].append(measure_loader(cfg, args.warmup, args.loader_batches))
        run_cfg, switched_off = runner_config(cfg, args.warmup + args.iters, f'benchmark-{repeat}')
        runner = measure_runner(run_cfg, args.warmup, args.iters)
        record_cuda_peak(memory, 'cuda_max_allocated_runner', device)
        runs['runner_img_s'].append(runner['img_s'])
        runs['runner_data_wait_ms'].append(runner['data_wait_ms'])
        runs['runner_over_bare'].append(runner['img_s'] / runs['bare_img_s'][-1])
        for name in ('runner', 'bare'):
            runs[f'{name}_gflop_s'].append(runs[f'{name}_img_s'][-1] / batch_size * step_flops / 1e9)
        runs['bare_over_conv_peak'].append(runs['bare_gflop_s'][-1] / runs['conv_peak_gflop_s'][-1])
    memory['rss_peak'] = peak_rss_mib()
    return runs, memory, switched_off


def main() -> None:
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.device != RUNNER_DEVICE:
        raise SystemExit(f'--device {args.device}: the runner trains on {RUNNER_DEVICE} here (mmengine takes cuda '
                         'when available; CUDA_VISIBLE_DEVICES= hides the GPU)')
    machine = machine_info(args.device)
    MMLogger.get_instance('benchmark', log_level='WARNING')  # quiet weight-init and optimizer messages
    cfg = load_config(args)
    check_work_dir(cfg.work_dir)
    init_default_scope(cfg.get('default_scope', 'mmagic'))
    flops, conv, image_shape = count_flops(cfg, args.device)
    with tempfile.TemporaryDirectory(prefix='benchmark-') as tmp_root:
        data = choose_data(cfg, args, image_shape, tmp_root)
        runs, memory, switched_off = run_repeats(cfg, args, conv, image_shape, flops['step'])
    report = dict(
        machine=machine,
        setup=dict(config=args.config, batch_size=cfg.train_dataloader.batch_size,
                   image_shape='x'.join(map(str, image_shape)), data=data, iters=args.iters, warmup=args.warmup,
                   repeats=args.repeats, loader_batches=args.loader_batches, runner_switched_off=switched_off),
        flops=flops,
        results={key: summarise(values) for key, values in runs.items()},
        memory=memory)
    print_report(report)
    out = args.out or osp.join(cfg.work_dir, 'benchmark.json')
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    with open(out, 'w') as f:
        json.dump(report, f, indent=2)
    print(f'results written to {out}')


if __name__ == '__main__':
    main()
