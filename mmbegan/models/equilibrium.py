"""BEGAN's boundary-equilibrium law, written once: the balance term, the k_t update and M_global.

With L(x) the mean reconstruction error of real images and L(G(z)) that of generated ones (paper Sec. 3.4):
balance = γ·L(x) − L(G(z)); k_{t+1} = clip(k_t + λ_k·balance, 0, 1); M_global = L(x) + |balance|.
"""
from typing import Tuple

from torch import Tensor


def equilibrium_balance(gamma: float, recon_real, recon_fake):
    """γ·L(x) − L(G(z)): positive while fakes reconstruct better than γ times the reals."""
    return gamma * recon_real - recon_fake


def convergence_measure(gamma: float, recon_real, recon_fake):
    """M_global = L(x) + |γ·L(x) − L(G(z))|, the paper's convergence measure (lower is better)."""
    return recon_real + abs(equilibrium_balance(gamma, recon_real, recon_fake))


def next_k(k_t: Tensor, gamma: float, lambda_k: float, recon_real: Tensor, recon_fake: Tensor) -> Tuple[Tensor, Tensor]:
    """k_{t+1} = clip(k_t + λ_k·(γ·L(x) − L(G(z))), 0, 1) and the balance term, as tensors."""
    balance = equilibrium_balance(gamma, recon_real, recon_fake)
    return (k_t + lambda_k * balance).clamp(0.0, 1.0), balance
