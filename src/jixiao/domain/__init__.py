"""The pure domain core: model, target values, taxonomy.  Standard library only, no I/O.

Nothing here imports another part of jixiao or a third-party package; tests/test_architecture.py
enforces it.
"""
