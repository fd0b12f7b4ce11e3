# The CPU demo (bash tools/demo.sh): BEGAN on Fashion-MNIST at 32×32 with the project's recipe, n = 32, 3,000
# iterations (≈ 11 minutes on 2 cores). Recipe levers and their measured effect: configs/began/README.md.
_base_ = ['./began_n32_1xb16-20kiters_fashion-mnist-32x32.py']

max_iters = 3000
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
custom_hooks = [
    dict(type='BEGANEquilibriumHook'),
    dict(type='MGlobalPlateauHook', window=200, patience=5, factor=0.5, min_lr=2e-5),
    dict(type='ResumableVisualizationHook', interval=500, fixed_input=True,
         vis_kwargs_list=dict(type='GAN', name='fake_img')),
    dict(type='BEGANReconstructionHook', interval=500, n_samples=8),
    dict(type='EMABatchNormHook'),
    dict(type='RandomStateHook'),
    dict(type='PreemptionHook'),
]

# the EMA generator is the one evaluated; FID-1k (1k samples vs 1k test images at 28 px) is biased upwards and
# comparable only with other FID-1k values (e.g. the untrained generator's in the demo report)
metrics = [
    dict(type='OfflineFID', prefix='FID-1k', fake_nums=1000, real_nums=1000, crop=2, sample_model='ema'),
    dict(type='ClassCoverage', prefix='coverage-2k', fake_nums=2000, sample_model='ema'),
    dict(type='SWD', prefix='swd', fake_nums=1000, sample_model='ema', image_shape=(1, 32, 32)),
    dict(type='MGlobal', fake_nums=1000, sample_model='ema'),
]
val_evaluator = dict(metrics=metrics)
test_evaluator = dict(metrics=metrics)
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=1000, save_best='FID-1k/fid', rule='less'))
