"""Trefpunt in the library world's own standards: OAI-PMH 2.0, Atom feeds, OpenSearch, sitemap and robots.txt.

The protocols are plain modules that know nothing of Flask (``oai``, ``oai_xml``, ``atom``, ``site``), the
catalogue's side of a harvest is ``catalogue``, the metadata formats are ``formats``, and ``views`` is the one
blueprint that serves them, cached per catalogue state like the search pages.
"""
