# The CPU demo (bash tools/demo.sh): BEGAN on Fashion-MNIST at 32×32, tuned to show clothing within 15 minutes
# on a 2-core CPU. Not paper settings; each change from the paper's and why:
#   n = 32 (paper-like 64): 4× fewer conv FLOPs, ≈ 0.21 s/iteration instead of 0.55 s at batch 16, so
#       3,000 iterations take ≈ 10.5 minutes; 28 px clothing needs little width.
#   Adam lr 3e-4 (paper ≤ 1e-4): faster early progress; BEGAN's equilibrium keeps it stable at this size.
#   λ_k = 0.02 (paper 1e-3): k_t reaches its working range (0.1–0.4) within a few hundred iterations instead of
#       tens of thousands; with 1e-3, k_t stays near 0 for the whole demo and G collapses to black images.
#   γ = 1.0 (paper 0.5): more diversity; at 0.5 the early samples were dim, near-identical blobs.
#   Kaiming-normal init with gain 1 (fan-in) for every conv and linear layer of G and D (authors: truncated normal,
#       std 0.01): the decisive change for diversity. With the authors' init G's output does not depend on z at all
#       at the start; with PyTorch's default init it varies by ≈ 0.004 over z (on the [−1, 1] scale), against ≈ 0.19
#       with this init. Starting from (nearly) one image for every z, all nine 1,500-iteration tuning runs with other
#       settings (lr, batch 32, γ 0.7, λ_k, L2, simultaneous updates, zero-centred data, Nh 128, another seed)
#       collapsed to footwear by 1,000 iterations (2.3–3.2 effective classes); this init on G alone gave 4–5, on G
#       and D ≈ 7.
#       Iterating the discriminator's auto-encoder x ← D(x) drifts real images towards sneakers and sandals: a G
#       whose samples start alike follows that drift together.
# Trade-off: a faster, more diverse but less paper-faithful run with blurrier early samples; the CelebA configs keep
# the paper's settings.
_base_ = ['./began_1xb16-20kiters_fashion-mnist-32x32.py']

variance_preserving_init = dict(type='Kaiming', layer=['Conv2d', 'Linear'], nonlinearity='linear',
                                distribution='normal')
model = dict(
    gamma=1.0,
    lambda_k=0.02,
    generator=dict(base_channels=32, init_cfg=variance_preserving_init),
    discriminator=dict(base_channels=32, init_cfg=variance_preserving_init))
optim_wrapper = dict(
    generator=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999))),
    discriminator=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999))))

max_iters = 3000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
custom_hooks = [
    dict(type='BEGANEquilibriumHook', lr_decay=True, window=200, patience=5, factor=0.5, min_lr=2e-5),
    dict(type='VisualizationHook', interval=500, fixed_input=True, vis_kwargs_list=dict(type='GAN', name='fake_img')),
    dict(type='BEGANReconstructionHook', interval=500, n_samples=8),
    dict(type='RandomStateHook'),
    dict(type='PreemptionHook'),
]

# 1,000 samples: on CPU FID costs ≈ 0.27 s per image per thread. FID-1k is biased upwards and NOT comparable
# with published 10k / 50k FIDs (e.g. Lucic et al.'s BEGAN Fashion-MNIST 22.9 at 10k samples); compare it
# only with other FID-1k values of this demo (e.g. the untrained generator's).
metrics = [
    dict(type='OfflineFID', prefix='FID-1k', fake_nums=1000, real_nums=1000, sample_model='orig'),
    dict(type='SWD', prefix='swd', fake_nums=1000, sample_model='orig', image_shape=(1, 32, 32)),
    dict(type='MGlobal', fake_nums=1000, sample_model='orig'),
]
val_evaluator = dict(metrics=metrics)
test_evaluator = dict(metrics=metrics)
val_dataloader = dict(batch_size=50)
test_dataloader = dict(batch_size=50)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=1000, save_best='FID-1k/fid', rule='less'))
