"""What researchers do with an exported dataset folder: report, TMX, text, MT metrics, Hub.

Every tool works from the folder alone (:mod:`align.export.read`), never from pipeline state,
and imports no encoder, aligner or scorer.
"""
