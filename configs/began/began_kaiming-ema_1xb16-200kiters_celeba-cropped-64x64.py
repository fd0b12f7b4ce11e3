# The 64×64 CelebA BEGAN with the project's recipe (chosen on Fashion-MNIST; configs/began/README.md): variance-
# preserving Kaiming init of G and D, γ = 1.0, λ_k = 0.02, Adam 3e-4, and an EMA generator that is evaluated.
#   python tools/dataset_converters/prepare_celeba.py /path/to/img_align_celeba --sizes 64
_base_ = ['./began_1xb16-200kiters_celeba-cropped-64x64.py']

kaiming = dict(type='Kaiming', layer=['Conv2d', 'Linear'], nonlinearity='linear', distribution='normal')
model = dict(
    generator=dict(init_cfg=kaiming),
    discriminator=dict(init_cfg=kaiming),
    gamma=1.0,
    lambda_k=0.02,
    ema_config=dict(momentum=1e-3, start_iter=500))
optim_wrapper = dict(
    generator=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999))),
    discriminator=dict(optimizer=dict(type='Adam', lr=3e-4, betas=(0.5, 0.999))))

metrics = [
    dict(type='OfflineFID', prefix='FID-10k', fake_nums=10000, real_nums=10000, sample_model='ema'),
    dict(type='SWD', prefix='swd', fake_nums=16384, sample_model='ema', image_shape=(3, 64, 64)),
    dict(type='MS_SSIM', prefix='ms-ssim', fake_nums=10000, sample_model='ema'),
    dict(type='MGlobal', fake_nums=2048, sample_model='ema'),
]
val_evaluator = dict(metrics=metrics)
test_evaluator = dict(metrics=metrics)
