"""Silence exactly the known, harmless warnings that third-party packages print when mmagic is imported.

Each filter names the warning's category, its message and the package it comes from; every other warning shows:
- transformers 4.36 and diffusers 0.24 (mmagic's pinned dependencies) call torch's deprecated
  ``_register_pytree_node``: six FutureWarnings before any output of ours;
- mmagic's inferencers import controlnet_aux, which warns that mediapipe (not needed here) is missing and that
  it re-registers timm models, and imports timm through paths timm has deprecated.
Imported first by ``mmbegan/__init__.py``; the tools import mmbegan before anything that imports mmagic.
"""
import warnings

KNOWN = (
    (FutureWarning, r'`torch\.utils\._pytree\._register_pytree_node` is deprecated', r'(transformers|diffusers)\.'),
    (FutureWarning, r'Importing from timm\.models\.\w+ is deprecated', r'timm\.'),
    (UserWarning, r"The module 'mediapipe' is not installed", r'controlnet_aux\.'),
    (UserWarning, r'Overwriting tiny_vit_\w+ in registry', r'controlnet_aux\.'),
)

for category, message, module in KNOWN:
    warnings.filterwarnings('ignore', message=message, category=category, module=module)
