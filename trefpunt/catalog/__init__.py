"""The catalogue: the truth. Models, vocabularies, use cases, seed loading, import and export.

Knows nothing of Flask requests, forms or the search index.
"""
