"""Stage "export": the dataset folder format — written, described and read back.

* :mod:`align.export.write` — ``AlignedPair``s → parquet + Arrow + card, atomically
* :mod:`align.export.card` — the dataset card (``README.md`` with the configs' YAML)
* :mod:`align.export.read` — the folder loaded back for the tools (``load_exported``)

The tools (:mod:`align.tools`) import only :mod:`align.export.read` and :mod:`align.io`.
"""
