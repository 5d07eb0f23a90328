"""A judged query set and ``python -m bench.relevance``: how well the search ranks, against BM25 references.

The data files beside this module (``queries.tsv``, ``grades.tsv``) are the set; README.md says how it was
made and how to extend it when the ranking changes.
"""
