"""Text that XML 1.0 can hold: the few code points it forbids are dropped, everything else is kept.

lxml escapes ``<``, ``&`` and quotes itself, but refuses (with an exception) the C0 control characters, lone
surrogates and U+FFFE/U+FFFF; editors' text is checked on entry, yet an old row or an import from before
those checks must not break a whole feed or harvest.
"""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")
