# The Fashion-MNIST recipe with the small auto-encoder discriminator of Lucic et al. 2018 (two 4×4 stride-2
# convs, FC bottleneck 64, two transposed convs; normal init, std 0.02), about half the recipe's cost per iteration.
_base_ = ['./began_n32_1xb16-20kiters_fashion-mnist-32x32.py']

model = dict(discriminator=dict(_delete_=True, type='BEGANSmallDiscriminator', input_scale=32, in_channels=1))
