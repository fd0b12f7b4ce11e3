# Short name for the paper's 64×64 CelebA BEGAN: python tools/train.py configs/began_celeba.py
_base_ = ['./began/began_1xb16-200kiters_celeba-cropped-64x64.py']
