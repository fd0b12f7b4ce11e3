# The demo config shortened for CI: 20 iterations, grids every 10, 32 samples per metric.
_base_ = ['../configs/began/began_n32_1xb16-3kiters_fashion-mnist-32x32.py']

train_cfg = dict(max_iters=20, val_interval=20)
custom_hooks = [
    dict(type='BEGANEquilibriumHook'),
    dict(type='MGlobalPlateauHook', window=200, patience=5, factor=0.5, min_lr=2e-5),
    dict(type='VisualizationHook', interval=10, fixed_input=True, vis_kwargs_list=dict(type='GAN', name='fake_img')),
    dict(type='BEGANReconstructionHook', interval=10, n_samples=8),
    dict(type='RandomStateHook'),
    dict(type='PreemptionHook'),
]
metrics = [
    dict(type='OfflineFID', prefix='FID-1k', fake_nums=32, real_nums=32, crop=2, sample_model='ema'),
    dict(type='ClassCoverage', prefix='coverage-2k', fake_nums=32, sample_model='ema'),
    dict(type='SWD', prefix='swd', fake_nums=32, sample_model='ema', image_shape=(1, 32, 32)),
    dict(type='MGlobal', fake_nums=32, sample_model='ema'),
]
val_evaluator = dict(metrics=metrics)
test_evaluator = dict(metrics=metrics)
