"""Name normalisation shared by the loader (lookup keys) and the query layer (parameters)."""

from __future__ import annotations

import functools
import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u0131": "i",
        "\u0259": "e",
        "\u018f": "e",
        "\u00f8": "o",
        "\u00d8": "o",
        "\u0142": "l",
        "\u0141": "l",
        "\u0111": "d",
        "\u0110": "d",
        "\u00df": "ss",
    }
)
_DASHES = re.compile(r"[-\u2010-\u2015_/]+")
_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """Fold a name for lookup: no accents, case-folded, hyphens as spaces, no leading 'the'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = stripped.translate(_FOLD).casefold()
    folded = _DASHES.sub(" ", folded)
    folded = folded.replace(".", "").replace('"', "").replace("\u201c", "").replace("\u201d", "")
    folded = _SPACE.sub(" ", folded).strip()
    if folded.startswith("the "):
        folded = folded[4:]
    return folded


def slug(text: str) -> str:
    """A key fragment: the normalised name with spaces and apostrophes turned into hyphens."""
    return re.sub(r"[^0-9a-z]+", "-", normalise_name(text)).strip("-")
