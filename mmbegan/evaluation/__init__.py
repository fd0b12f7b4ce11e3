"""Evaluation metrics of mmbegan, registered in mmagic's METRICS."""
from .class_coverage import ClassCoverage
from .m_global import MGlobal
from .offline_fid import OfflineFID
from .offline_inception import offline_inception_path

__all__ = ['ClassCoverage', 'MGlobal', 'OfflineFID', 'offline_inception_path']
