"""Stage "score": translation divergence inside every aligned bead.

* :mod:`align.divergence.scorer` — the scorer (clause evidence, word coverage, logistic score)
* :mod:`align.divergence.clauses` — clause and word splitting with offsets
* :mod:`align.divergence.coverage` — word-level cross-lingual coverage
* :mod:`align.divergence.translit` — romanisation and name similarity across scripts
* :mod:`align.divergence.lexicon` — the word lists (function words, conjunctions, ...): the one
  place where language knowledge of the scorer is defined
"""

from align.divergence.scorer import DivergenceConfig, TextScore, score_pair, score_texts

__all__ = ["DivergenceConfig", "TextScore", "score_pair", "score_texts"]
