# Recipe ablation: the baseline with mmagic's DCGANGenerator (transposed convs, batch norm, ReLU, tanh; DCGAN's
# N(0, 0.02) init) in place of BEGAN's generator, as in Lucic et al.'s BEGAN (InfoGAN-style G with batch norm).
# 4×4×128 → 8×8×64 → 16×16×32 → 32×32×1; D stays BEGAN's auto-encoder.
_base_ = ['./began_n32-ablation-base_1xb16-3kiters_fashion-mnist-32x32.py']

model = dict(generator=dict(_delete_=True, type='DCGANGenerator', output_scale=32, out_channels=1,
                            base_channels=128, noise_size=64))
