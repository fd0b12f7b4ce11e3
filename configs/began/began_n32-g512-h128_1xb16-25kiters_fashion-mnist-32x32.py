# The 512-channel-generator recipe with a discriminator bottleneck of Nh = 128 (the paper's 64): about the same cost
# per iteration, FID-10k-Lucic 2.1–2.3 lower at 20k, 22.5k and 25k iterations with the same seed
# (configs/began/README.md).
_base_ = ['./began_n32-g512_1xb16-25kiters_fashion-mnist-32x32.py']

model = dict(discriminator=dict(embedding_size=128))
