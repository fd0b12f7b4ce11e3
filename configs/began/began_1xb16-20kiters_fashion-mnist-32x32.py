# BEGAN on Fashion-MNIST at 32×32, grayscale. Prepare the data first:
#   python tools/prepare_fashion_mnist.py        (reads Debian's dataset-fashion-mnist, or --src DIR)
_base_ = ['./began_1xb16-200kiters_celeba-cropped-64x64.py']

model = dict(
    data_preprocessor=dict(mean=[127.5], std=[127.5]),
    generator=dict(output_scale=32, out_channels=1),
    discriminator=dict(input_scale=32, in_channels=1))

# 28 px images padded with 2 px of background (black, 0) to 32 px: no resizing
data_root = 'data/fashion-mnist/train'
pipeline = [
    dict(type='CheckedLoadImageFromFile', key='gt', color_type='grayscale'),
    dict(type='NumpyPad', keys='gt', padding=((2, 2), (2, 2), (0, 0))),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(data_root=data_root, pipeline=pipeline))
val_dataloader = dict(dataset=dict(data_root=data_root, pipeline=pipeline))
test_dataloader = dict(dataset=dict(data_root=data_root, pipeline=pipeline))

train_cfg = dict(max_iters=20000, val_interval=5000)
custom_hooks = [
    dict(type='BEGANEquilibriumHook', lr_decay=True, window=200, patience=10, factor=0.5, min_lr=2e-5),
    dict(type='VisualizationHook', interval=1000, fixed_input=True, vis_kwargs_list=dict(type='GAN', name='fake_img')),
    dict(type='BEGANReconstructionHook', interval=1000, n_samples=8),
    dict(type='RandomStateHook'),
    dict(type='PreemptionHook'),
]

# 2,048 samples keep CPU validation in minutes; such FIDs are biased upwards and not comparable with published
# 10k-sample numbers (Lucic et al.'s BEGAN: 22.9 on Fashion-MNIST)
metrics = [
    dict(type='OfflineFID', prefix='FID-2k', fake_nums=2048, real_nums=2048, sample_model='orig'),
    dict(type='SWD', prefix='swd', fake_nums=2048, sample_model='orig', image_shape=(1, 32, 32)),
    dict(type='MS_SSIM', prefix='ms-ssim', fake_nums=2048, sample_model='orig'),
    dict(type='MGlobal', fake_nums=2048, sample_model='orig'),
]
val_evaluator = dict(metrics=metrics)
test_evaluator = dict(metrics=metrics)
default_hooks = dict(checkpoint=dict(interval=5000, save_best='FID-2k/fid', rule='less'))
