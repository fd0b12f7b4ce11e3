"""The equilibrium law with hand-computed values."""
import pytest
import torch

from mmbegan.models.equilibrium import convergence_measure, equilibrium_balance, next_k


def test_balance_and_m_global_by_hand():
    # γ = 0.5, L(x) = 0.3, L(G(z)) = 0.1: balance 0.15 − 0.1 = 0.05, M = 0.3 + 0.05 = 0.35
    assert equilibrium_balance(0.5, 0.3, 0.1) == pytest.approx(0.05)
    assert convergence_measure(0.5, 0.3, 0.1) == pytest.approx(0.35)
    # fakes harder than γ·reals: balance −0.1, M = 0.2 + 0.1 = 0.3
    assert equilibrium_balance(0.5, 0.2, 0.2) == pytest.approx(-0.1)
    assert convergence_measure(0.5, 0.2, 0.2) == pytest.approx(0.3)


def test_next_k_by_hand_and_clipped():
    k, balance = next_k(torch.tensor(0.2), 0.5, 0.1, torch.tensor(0.3), torch.tensor(0.1))
    assert balance.item() == pytest.approx(0.05) and k.item() == pytest.approx(0.2 + 0.1 * 0.05)
    assert next_k(torch.tensor(0.001), 0.5, 0.1, torch.tensor(0.0), torch.tensor(0.5))[0].item() == 0.0
    assert next_k(torch.tensor(0.999), 1.0, 1.0, torch.tensor(0.5), torch.tensor(0.0))[0].item() == 1.0
