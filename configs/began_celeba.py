# Short name for the 64×64 CelebA BEGAN: python tools/train.py configs/began_celeba.py
# It points to the recipe config, not the paper reproduction (began_1xb16-200kiters_celeba-cropped-64x64.py),
# because with the paper's initialisation G(z) is the same image for every z at the start (measured spread over z:
# 0 with the authors' truncated normal, 0.004 with PyTorch's default, 0.19 with the variance-preserving init) and
# the paper-setting runs gave one grey blob for every z at 1,000 iterations; on Fashion-MNIST the authors' init
# collapsed to footwear (2.6 effective classes of 10) where the recipe kept 5–8. Evidence: configs/began/README.md.
_base_ = ['./began/began_kaiming-ema_1xb16-200kiters_celeba-cropped-64x64.py']
