"""``python -m trefpunt``: the ``trefpunt`` command (how ``trefpunt serve`` starts its worker)."""

from .cli import main

main()
