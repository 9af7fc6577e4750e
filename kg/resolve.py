"""Identity: stable keys and canonical names, so the same real thing gets the same key everywhere.

Keys: states `state:<iso2 lower>` (de facto states by slug), ministries `ministry:<portfolio>:<state>`,
armed forces `armedforce:<state>`, places scoped by their container (`settlement:<slug>@<container key>`, e.g.
`settlement:<slug>@region:<slug>@state:xx`, `region:<slug>@<state key>`), territories `territory:<slug>`,
conflicts `conflict:<slug>`, organisations and non-state armed groups `org:<slug>`, persons
`person:<slug>`, events `event:<kind>:<document key>:<n>` (events belong to one document).
"""

from __future__ import annotations

from kg.names import slug

PORTFOLIOS: dict[str, str] = {
    "defence": "defence",
    "defense": "defence",
    "foreign": "foreign affairs",
    "foreign affairs": "foreign affairs",
    "external affairs": "foreign affairs",
    "interior": "interior",
    "internal affairs": "interior",
    "home affairs": "interior",
    "emergency situations": "emergency situations",
    "emergencies": "emergency situations",
    "emergency": "emergency situations",
    "justice": "justice",
    "health": "health",
    "public health": "health",
    "health care": "health",
    "finance": "finance",
    "economy": "economy",
    "energy": "energy",
}
"""How a text names a portfolio -> the canonical portfolio."""


def portfolio_of(words: str) -> str:
    """The canonical portfolio for the words naming it ("Defense" -> "defence")."""
    text = " ".join(words.lower().replace("&", "and").split())
    return PORTFOLIOS.get(text, text)


def state_suffix(state_key: str) -> str:
    """The part of a state key after `state:` ("state:az" -> "az")."""
    return state_key.split(":", 1)[1]


def ministry_key(portfolio: str, state_key: str) -> str:
    """Key of a state's ministry: `ministry:defence:az`."""
    return f"ministry:{slug(portfolio)}:{state_suffix(state_key)}"


def ministry_name(portfolio: str, state_name: str) -> str:
    """Canonical ministry name: "Ministry of Defence of Azerbaijan"."""
    return (
        f"Ministry of {portfolio.title().replace(' Of ', ' of ').replace(' And ', ' and ')} of {state_name}"
    )


def armed_force_key(state_key: str) -> str:
    """Key of a state's military: `armedforce:am`."""
    return f"armedforce:{state_suffix(state_key)}"


def armed_force_name(state_name: str) -> str:
    """Canonical name of a state's military: "Armed Forces of Armenia"."""
    return f"Armed Forces of {state_name}"


def place_key(label: str, name: str, container: str | None) -> str:
    """Key of a place the gazetteer does not know, scoped by its container when the text gives one."""
    base = f"{label.lower()}:{slug(name)}"
    return f"{base}@{container}" if container else base


def state_key(iso2: str) -> str:
    """Key of a state from its ISO 3166-1 alpha-2 code: `state:am`."""
    return f"state:{iso2.strip().lower()}"


def region_key(name: str, state_key: str) -> str:
    """Key of a first-level region of a state: `region:syunik@state:am`."""
    return f"region:{slug(name)}@{state_key}"


def settlement_key(name: str, container_key: str) -> str:
    """Key of a settlement in its region (or state): `settlement:kapan@region:syunik@state:am`."""
    return f"settlement:{slug(name)}@{container_key}"


def organisation_key(name: str) -> str:
    """Key of an organisation or non-state armed group from its canonical name: `org:hezbollah`."""
    return f"org:{slug(name)}"


def person_key(name: str) -> str:
    """Key of a person from their full name: `person:ilham-aliyev`."""
    return f"person:{slug(name)}"


def conflict_key(name: str) -> str:
    """Key of a conflict from its canonical name."""
    return f"conflict:{slug(name)}"


def event_key(kind: str, document_key: str, number: int) -> str:
    """Key of the n-th event of a kind in a document (events are per document)."""
    return f"event:{kind.lower()}:{document_key}:{number}"
