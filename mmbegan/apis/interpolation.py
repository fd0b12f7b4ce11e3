"""Latent interpolation and the paper's embedding of real images into z."""
import torch
from torch import Tensor, nn


def slerp(z0: Tensor, z1: Tensor, steps: int) -> Tensor:
    """Spherical interpolation from ``z0`` to ``z1`` (1-D codes) in ``steps`` points, ends included."""
    t = torch.linspace(0, 1, steps, device=z0.device)[:, None]
    cos = torch.nn.functional.cosine_similarity(z0, z1, dim=0).clamp(-1 + 1e-7, 1 - 1e-7)
    omega = torch.acos(cos)
    if omega.abs() < 1e-4:  # nearly parallel codes: slerp degenerates to lerp
        return torch.lerp(z0[None], z1[None], t)
    return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)


def embed_images(generator: nn.Module, images: Tensor, noise_size: int, iters: int = 500,
                 lr: float = 0.01) -> Tensor:
    """Find z_r with G(z_r) ≈ x_r by minimising |x_r − G(z_r)| with Adam, z kept in the prior's [−1, 1]
    (the paper's Sec. 4 real-image interpolation); returns the N×Nz codes."""
    z = (torch.rand(images.shape[0], noise_size, device=images.device) * 2 - 1).requires_grad_(True)
    optimizer = torch.optim.Adam([z], lr=lr)
    for _ in range(iters):
        loss = (generator(z) - images).abs().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            z.clamp_(-1, 1)
    return z.detach()
