"""FLOPs of one BEGAN training step, counted analytically from the layers an image meets.

F_G and F_D are the FLOPs of one image through G and through D: 2·MACs summed over every Conv2d, ConvTranspose2d
and Linear layer (activations, upsampling, losses and the optimizer are not counted). A backward that needs weight
and input gradients costs 2 forwards, one that needs input gradients only costs 1, a forward under ``no_grad``
none. With batch B and s = generator_steps / discriminator_steps, one step costs (4·F_G + 8·F_D)·B alternating
(s = 1; README's Performance section has the terms) and (3·F_G + 7·F_D)·B simultaneous. The first layer of each
network needs no input gradient, so the count is high by that layer's small share.
"""
from typing import Callable, Dict, List, NamedTuple, Sequence, Tuple

import torch
from torch import nn

CONV_LAYERS = (nn.Conv2d, nn.ConvTranspose2d)
COUNTED_LAYERS = CONV_LAYERS + (nn.Linear,)


class Layer(NamedTuple):
    """A counted layer as one image's forward pass through G or D meets it."""
    network: str  # 'generator' or 'discriminator'
    module: nn.Module
    in_shape: Tuple[int, ...]  # input shape of one image, e.g. (C, H, W)
    macs: int  # multiply-accumulates for one image


def trace_layers(model: nn.Module) -> Tuple[List[Layer], Tuple[int, int, int]]:
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


def forward_passes(model: nn.Module) -> Dict[str, float]:
    """Forward-pass equivalents per image and training step of G and D (see the module docstring)."""
    if model.update_mode == 'simultaneous':
        return dict(generator=3.0, discriminator=7.0)
    gen_steps = model.generator_steps / model.discriminator_steps
    return dict(generator=1 + 3 * gen_steps, discriminator=6 + 2 * gen_steps)


class ConvShape(NamedTuple):
    """One distinct convolution shape of a training step."""
    layer: Layer  # the first layer of this shape, as one image's forward pass meets it
    step_macs: float  # MACs of one image's training step through every layer of this shape


def conv_shapes(layers: Sequence[Layer], passes: Dict[str, float]) -> List[ConvShape]:
    """Every distinct Conv2d / ConvTranspose2d shape of a training step with its work, most work first."""
    work: Dict[tuple, float] = {}
    first: Dict[tuple, Layer] = {}
    for layer in layers:
        conv = layer.module
        if isinstance(conv, CONV_LAYERS):
            key = (type(conv), layer.in_shape, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                   conv.groups)
            work[key] = work.get(key, 0.0) + layer.macs * passes[layer.network]
            first.setdefault(key, layer)
    return sorted((ConvShape(first[key], macs) for key, macs in work.items()), key=lambda shape: -shape.step_macs)


def describe(layer: Layer) -> str:
    """A conv layer in words, e.g. '3x3 conv 32->32, stride 1, on 32x32'."""
    conv = layer.module
    kind = 'transposed conv' if isinstance(conv, nn.ConvTranspose2d) else 'conv'
    return (f'{conv.kernel_size[0]}x{conv.kernel_size[1]} {kind} {layer.in_shape[0]}->{conv.out_channels}, '
            f'stride {conv.stride[0]}, on {layer.in_shape[1]}x{layer.in_shape[2]}')


def step_flops(model: nn.Module,
               batch_size: int) -> Tuple[Dict[str, object], List[ConvShape], Tuple[int, int, int]]:
    """The FLOPs of one training step of ``model`` at ``batch_size`` (with G's and D's forward costs and the
    dominant conv in words), its conv shapes (most work first) and the (C, H, W) of the generated images."""
    layers, image_shape = trace_layers(model)
    passes = forward_passes(model)
    forward = {network: 2.0 * sum(layer.macs for layer in layers if layer.network == network) for network in passes}
    shapes = conv_shapes(layers, passes)
    flops = dict(step=batch_size * sum(passes[net] * forward[net] for net in passes),
                 generator_forward=forward['generator'], discriminator_forward=forward['discriminator'],
                 forward_passes_per_image=passes, update_mode=model.update_mode,
                 dominant_conv=describe(shapes[0].layer))
    return flops, shapes, image_shape
