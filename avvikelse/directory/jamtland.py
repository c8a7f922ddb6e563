"""The Jämtlands län directory seed: the region, the eight kommuner and a small,
plausible set of units for each (imported or edited by an admin in real use)."""
from avvikelse.directory.models import OrgKind

COUNTY_CODE = "23"
COUNTY_NAME = "Jämtlands län"
REGION = ("23", "Region Jämtland Härjedalen", OrgKind.REGION)

KOMMUNER = [
    ("2303", "Ragunda kommun"),
    ("2305", "Bräcke kommun"),
    ("2309", "Krokoms kommun"),
    ("2313", "Strömsunds kommun"),
    ("2321", "Åre kommun"),
    ("2326", "Bergs kommun"),
    ("2361", "Härjedalens kommun"),
    ("2380", "Östersunds kommun"),
]

# (organisation code, unit code, name)
REGION_UNITS = [
    ("23", "23-OSD-MED", "Östersunds sjukhus, medicinavdelning"),
    ("23", "23-OSD-GER", "Östersunds sjukhus, geriatrisk avdelning"),
    ("23", "23-OSD-ORT", "Östersunds sjukhus, ortopedisk avdelning"),
    ("23", "23-OSD-AKM", "Östersunds sjukhus, akutmottagning"),
    ("23", "23-HC-KROKOM", "Hälsocentralen Krokom"),
    ("23", "23-HC-ZATH", "Hälsocentralen Z-gränd, Östersund"),
    ("23", "23-HC-ARE", "Hälsocentralen Åre"),
    ("23", "23-HC-SVEG", "Hälsocentralen Sveg"),
    ("23", "23-HC-STROMSUND", "Hälsocentralen Strömsund"),
]


def kommun_units(code: str, name: str) -> list[tuple[str, str, str]]:
    place = name.removesuffix(" kommun").removesuffix("s")
    return [
        (code, f"{code}-HSJV", f"Hemsjukvården {place}"),
        (code, f"{code}-HTJ", f"Hemtjänsten {place}"),
        (code, f"{code}-SABO", f"Särskilt boende {place}"),
        (code, f"{code}-KORT", f"Korttidsboendet {place}"),
    ]


def all_units() -> list[tuple[str, str, str]]:
    units = list(REGION_UNITS)
    for code, name in KOMMUNER:
        units += kommun_units(code, name)
    return units
