# The 64×64 CelebA BEGAN with the project's full recipe (chosen on Fashion-MNIST; configs/began/README.md): the
# Kaiming/EMA recipe plus mmagic's DCGANGenerator (transposed convs + batch norm, mmagic's 64 px DCGAN width) in
# place of BEGAN's generator, which on Fashion-MNIST covered more classes (8.9 vs 6.4 of 10 at 3k iterations).
#   python tools/dataset_converters/prepare_celeba.py /path/to/img_align_celeba --sizes 64
_base_ = ['./began_kaiming-ema_1xb16-200kiters_celeba-cropped-64x64.py']

model = dict(generator=dict(_delete_=True, type='DCGANGenerator', output_scale=64, out_channels=3,
                            base_channels=512, noise_size=64))
# the EMA generator is evaluated with batch-norm statistics of its own samples (mmagic's EMA copies the trained G's)
custom_hooks = [_base_.equilibrium_hook, _base_.lr_decay_hook, _base_.vis_hook, _base_.recon_hook,
                dict(type='EMABatchNormHook'), _base_.rng_hook, _base_.preemption_hook]
