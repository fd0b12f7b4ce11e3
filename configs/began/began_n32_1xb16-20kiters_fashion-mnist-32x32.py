# BEGAN on Fashion-MNIST at 32×32 (28 px padded to 32), grayscale, 20k iterations of batch 16, with the project's
# recipe (changes from the paper, measured in configs/began/README.md):
#   - generator: mmagic's DCGANGenerator (transposed convs + batch norm, as the BEGAN of Lucic et al. 2018);
#     with BEGAN's own generator class coverage fell as training went on (6.4 of 10 classes at 3k iterations,
#     8.7–8.9 with batch norm);
#   - discriminator: BEGAN's auto-encoder, n = 32, variance-preserving Kaiming init;
#   - γ = 1.0, λ_k = 0.02, Adam 3e-4: k_t reaches its working range within a few hundred iterations (with the
#     paper's λ_k = 1e-3 it stayed below 0.2 for 3k iterations);
#   - an EMA generator (momentum 1e-3, from iteration 500), the one evaluated, with batch-norm statistics of its
#     own (EMABatchNormHook; mmagic's EMA copies the trained generator's).
#   python tools/dataset_converters/prepare_fashion_mnist.py
_base_ = [
    '../_base_/models/began_64x64.py',
    '../_base_/datasets/fashion-mnist-32x32.py',
    '../_base_/began_runtime.py',
]

kaiming = dict(type='Kaiming', layer=['Conv2d', 'Linear'], nonlinearity='linear', distribution='normal')
model = dict(
    data_preprocessor=dict(mean=[127.5], std=[127.5]),
    generator=dict(_delete_=True, type='DCGANGenerator', output_scale=32, out_channels=1, base_channels=128,
                   noise_size=64),
    discriminator=dict(input_scale=32, in_channels=1, base_channels=32, init_cfg=kaiming),
    gamma=1.0,
    lambda_k=0.02,
    ema_config=dict(momentum=1e-3, start_iter=500))
optim_wrapper = dict(
    generator=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999))),
    discriminator=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999))))

randomness = dict(seed=2022)
train_cfg = dict(max_iters=20000, val_interval=5000)
custom_hooks = [
    dict(type='BEGANEquilibriumHook'),
    dict(type='MGlobalPlateauHook', window=200, patience=10, factor=0.5, min_lr=2e-5),
    dict(type='ResumableVisualizationHook', interval=1000, fixed_input=True,
         vis_kwargs_list=dict(type='GAN', name='fake_img')),
    dict(type='BEGANReconstructionHook', interval=1000, n_samples=8),
    dict(type='EMABatchNormHook'),
    dict(type='RandomStateHook'),
    dict(type='PreemptionHook'),
]

# Validation: 2k samples against 2k test images (biased upwards, comparable only with other 2k FIDs) and class
# coverage. Test: Lucic et al.'s protocol, 10k samples vs the 10k test images at 28 px (crop=2 removes the
# padding), comparable with their BEGAN Fashion-MNIST FID 22.9.
val_evaluator = dict(metrics=[
    dict(type='OfflineFID', prefix='FID-2k', fake_nums=2000, real_nums=2000, crop=2, sample_model='ema'),
    dict(type='ClassCoverage', prefix='coverage-2k', fake_nums=2000, sample_model='ema'),
])
test_evaluator = dict(metrics=[
    dict(type='OfflineFID', prefix='FID-10k-Lucic', fake_nums=10000, real_nums=10000, crop=2, sample_model='ema'),
    dict(type='ClassCoverage', prefix='coverage-2k', fake_nums=2000, sample_model='ema'),
    dict(type='SWD', prefix='swd', fake_nums=2048, sample_model='ema', image_shape=(1, 32, 32)),
    dict(type='MS_SSIM', prefix='ms-ssim', fake_nums=2048, sample_model='ema'),
    dict(type='MGlobal', fake_nums=2048, sample_model='ema'),
])
default_hooks = dict(checkpoint=dict(interval=1000, max_keep_ckpts=5, save_best='FID-2k/fid', rule='less'))
