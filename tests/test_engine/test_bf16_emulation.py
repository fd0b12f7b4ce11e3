"""bf16 emulation with fp32 kernels: it must reproduce bf16 autocast's numbers, not fp32's, and change nothing
outside autocast."""
import torch
from torch import nn

from mmbegan.engine.optimizers import BF16AutocastOptimWrapper
from mmbegan.engine.optimizers.bf16_emulation import EmulatedBF16Kernels


def small_net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ELU(), nn.Conv2d(16, 16, 3, padding=1), nn.ELU(),
                         nn.Flatten(), nn.Linear(16 * 8 * 8, 10))


def forward_backward(net: nn.Module, x: torch.Tensor, precision: str):
    """The output and the parameters' gradients of one forward and backward in ``precision``."""
    net.zero_grad()
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=precision != 'fp32'):
        if precision == 'emulated':
            with EmulatedBF16Kernels():
                out = net(x)
        else:
            out = net(x)
    out.float().square().mean().backward()
    return out, [p.grad.clone() for p in net.parameters()]


def relative(a: torch.Tensor, b: torch.Tensor) -> float:
    return ((a.float() - b.float()).norm() / b.float().norm()).item()


def test_emulation_reproduces_bf16_autocast():
    net, x = small_net(), torch.randn(8, 3, 8, 8)
    out32, grads32 = forward_backward(net, x, 'fp32')
    out16, grads16 = forward_backward(net, x, 'bf16')
    out_emu, grads_emu = forward_backward(net, x, 'emulated')
    assert out_emu.dtype == out16.dtype == torch.bfloat16
    bf16_error = relative(out16, out32)
    assert bf16_error > 1e-3  # bf16 is visibly coarser than fp32 ...
    assert relative(out_emu, out16) < 0.25 * bf16_error  # ... and the emulation lands next to real bf16
    for grad32, grad16, grad_emu in zip(grads32, grads16, grads_emu):
        assert grad_emu.dtype == torch.float32
        # the gradients carry bf16's rounding error, of bf16's size
        assert 0.2 * relative(grad16, grad32) < relative(grad_emu, grad32) < 3 * relative(grad16, grad32)


def test_outside_autocast_nothing_changes():
    net, x = small_net(), torch.randn(8, 3, 8, 8)
    with EmulatedBF16Kernels():
        out = net(x)
    assert out.dtype == torch.float32 and torch.equal(out, net(x))


def test_wrapper_emulates_inside_its_context():
    net = small_net()
    wrapper = BF16AutocastOptimWrapper(torch.optim.SGD(net.parameters(), lr=0.1), emulate=True)
    with wrapper.optim_context(net):
        out = net(torch.randn(2, 3, 8, 8))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().mean())
