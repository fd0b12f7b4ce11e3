"""The exp-based CPU ELU: PyTorch's ELU's values and gradients, in fp32 and under bf16 autocast."""
import torch

from mmbegan.models.elu import elu


def test_exp_elu_matches_pytorch_elu_and_its_gradient():
    x = torch.cat([torch.randn(4000) * 4, torch.tensor([0.0, -0.0, 1e-8, -1e-8, -30.0, 30.0])]).requires_grad_()
    ours = elu(x)
    reference = torch.nn.functional.elu(x)
    assert torch.allclose(ours, reference, rtol=1e-6, atol=1e-7)
    upstream = torch.randn_like(ours)
    (grad,) = torch.autograd.grad(ours, x, upstream)
    (expected,) = torch.autograd.grad(reference, x, upstream)
    assert torch.allclose(grad, expected, rtol=1e-6, atol=1e-7)


def test_exp_elu_keeps_dtype_and_layout():
    x = torch.randn(2, 3, 4, 4).contiguous(memory_format=torch.channels_last)
    assert elu(x).is_contiguous(memory_format=torch.channels_last)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        y = elu(torch.nn.functional.conv2d(x, torch.randn(3, 3, 1, 1)))
    assert y.dtype == torch.bfloat16
