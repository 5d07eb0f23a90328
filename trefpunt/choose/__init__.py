"""Choosing between materials: the side-by-side comparison, the guided finder ("keuzehulp") and their pages.

``compare`` and ``finder`` are plain domain modules (no Flask); ``views`` is the blueprint and
``search_notes`` the small glue the search page uses to show why a finder's hit fits.
"""
