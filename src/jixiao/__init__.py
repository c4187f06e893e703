"""jixiao 绩效: budget performance management (预算绩效管理).

The package is layered (see docs/architecture.md): ``jixiao.domain`` is the pure core;
``jixiao.ingest`` and ``jixiao.interchange`` are adapters around it; ``jixiao.cli`` is thin.
"""

__version__ = "0.1.0"
