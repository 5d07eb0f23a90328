"""Advice lists ("advieslijsten"): a short, ordered, annotated selection of materials that a volunteer
makes for one learner or group and shares by link, without an account.

``models`` holds the tables, ``service`` the use cases (no Flask), ``views`` the /lijst pages and
``admin`` the editors' page under /beheer.
"""
