"""Version of the mmbegan package."""
__version__ = '0.1.0'
