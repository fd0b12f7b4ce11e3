# Baseline of the recipe ablation (tools/analysis_tools/recipe_ablation.sh changes one lever at a time): the
# earlier demo recipe (BEGAN's own generator), every lever set here explicitly so that later recipe changes do
# not move the baseline. Scored at the end: FID-1k (28 px, 1k test images) of the orig generator, class coverage
# over 2k samples of the orig and the EMA generator.
_base_ = ['../began_n32_1xb16-20kiters_fashion-mnist-32x32.py']

kaiming = dict(type='Kaiming', layer=['Conv2d', 'Linear'], nonlinearity='linear', distribution='normal')
model = dict(
    gamma=1.0,
    lambda_k=0.02,
    latent_constraint=0.0,
    pull_away=0.0,
    update_mode='alternating',
    generator=dict(_delete_=True, type='BEGANGenerator', output_scale=32, out_channels=1, base_channels=32,
                   noise_size=64, num_convs=2, init_cfg=kaiming),
    discriminator=dict(base_channels=32, init_cfg=kaiming),
    ema_config=dict(momentum=1e-3, start_iter=500))
optim_wrapper = dict(
    generator=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999))),
    discriminator=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999))))
train_dataloader = dict(batch_size=16)
randomness = dict(seed=2022)
precision = 'fp32'

max_iters = 3000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
custom_hooks = [
    dict(type='BEGANEquilibriumHook'),
    dict(type='MGlobalPlateauHook', window=200, patience=5, factor=0.5, min_lr=2e-5),
    dict(type='ResumableVisualizationHook', interval=1000, fixed_input=True,
         vis_kwargs_list=dict(type='GAN', name='fake_img')),
    dict(type='RandomStateHook'),
    dict(type='PreemptionHook'),
]
val_evaluator = dict(metrics=[
    dict(type='OfflineFID', prefix='FID-1k', fake_nums=1000, real_nums=1000, crop=2, sample_model='orig'),
    dict(type='ClassCoverage', prefix='coverage-2k', fake_nums=2000, sample_model='orig'),
    dict(type='ClassCoverage', prefix='coverage-2k-ema', fake_nums=2000, sample_model='ema'),
])
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=1000, max_keep_ckpts=3, save_best=None))
