"""What of a typed query may be kept: the words, not the e-mail addresses, numbers and postcodes in them.

People type all sorts into a search box: their own e-mail address, a phone number, a BSN, a client
number, their postcode. Such a part is replaced by a placeholder that says what it was, so an editor still
sees that people search for it ("[e-mailadres] inloggen") and the log never holds the thing itself.

A name cannot be recognised this way (is "Jansen" a person or a publisher?), which is why the log is kept
for a limited number of days (SEARCH_LOG_DAYS) and shown to editors only.
"""

from __future__ import annotations

import re

EMAIL = "[e-mailadres]"
ACCOUNT = "[rekeningnummer]"
NUMBER = "[nummer]"
POSTCODE = "[postcode]"

# Ordered: an e-mail address may hold digits, an IBAN a run of digits; each is masked whole first.
_PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*", re.UNICODE), EMAIL),
    # A Dutch or other IBAN: two letters, two check digits, then the account (letters and digits).
    (re.compile(r"\b[a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){2,7}(?:\s?[a-z0-9]{1,3})?\b", re.IGNORECASE), ACCOUNT),
    # Six or more digits, with up to three spaces, dashes, dots, slashes or brackets between two: phone
    # numbers (06-12345678, (020) 123 45 67), a BSN (9 digits), client and card numbers. Years and levels
    # stay ("b1 2024"); privacy wins over the rare false alarm ("2024 2025" is masked too).
    (re.compile(r"(?<!\d)\+?\(?\d(?:[\s\-./()]{0,3}\d){5,}\)?"), NUMBER),
    # A Dutch postcode (1234 AB): with a house number it is an address.
    (re.compile(r"\b\d{4}\s?[a-z]{2}\b", re.IGNORECASE), POSTCODE),
)


def mask_personal(query: str) -> str:
    """``query`` with e-mail addresses, bank accounts, long numbers and postcodes replaced by placeholders."""
    for pattern, placeholder in _PATTERNS:
        query = pattern.sub(placeholder, query)
    return query


def looks_personal(query: str) -> bool:
    return mask_personal(query) != query
