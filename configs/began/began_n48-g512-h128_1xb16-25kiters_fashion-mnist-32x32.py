# The Nh = 128 recipe with a wider discriminator (n = 48; the recipe has 32, the paper's 32-px model 64): 1.3× the
# cost per iteration, FID-10k-Lucic 0.8 lower at 25k over two seeds
# (configs/began/README.md). Trained on past 25k at this constant rate, D blew up by 26.2k with both seeds; with
# both rates halved from 25k it did not, but k_t slid and FID rose after 30k.
_base_ = ['./began_n32-g512-h128_1xb16-25kiters_fashion-mnist-32x32.py']

model = dict(discriminator=dict(base_channels=48))
