# BEGAN's objective and auto-encoder discriminator with mmagic's DCGANGenerator (transposed convs + BN).
_base_ = ['../began/began_1xb16-200kiters_celeba-cropped-64x64.py']

model = dict(generator=dict(_delete_=True, type='DCGANGenerator', output_scale=64, out_channels=3,
                            base_channels=512, noise_size=64))
