"""QR codes for the handout, as inline SVG (segno): no image requests, sharp on paper, allowed by the CSP.

The code has a viewBox and no size of its own: the style sheet sizes it, for the screen and for A4.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from markupsafe import Markup, escape


def qr_svg(url: str, label: str) -> Markup:
    """``url`` as a QR code, announced to screen readers as ``label`` (the code itself is hidden)."""
    return Markup('<span class="tp-qr" role="img" aria-label="{}">{}</span>').format(
        escape(label), Markup(_code(url))
    )


@lru_cache(maxsize=4096)
def _code(url: str) -> str:
    # A code costs about 4 ms to make and a material's address rarely changes: a handout of 20 is
    # 20 look-ups, not 80 ms of QR encoding.
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=2, omitsize=True, svgclass="tp-qr__code", lineclass=None
    )
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
