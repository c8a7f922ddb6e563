"""The forum's filters and the request parameters they come from."""
from dataclasses import asdict, dataclass

from sqlalchemy import select

from avvikelse.cases.categories import BY_CODE
from avvikelse.cases.enums import Kind
from avvikelse.core.errors import ValidationFailed
from avvikelse.directory.models import Organisation
from avvikelse.extensions import db
from avvikelse.forum.release import View

DIRECTIONS = ("kommun_to_region", "region_to_kommun", "kommun_to_kommun")
DIRECTION_LABELS = {
    "kommun_to_region": "Kommun till region",
    "region_to_kommun": "Region till kommun",
    "kommun_to_kommun": "Kommun till kommun",
    "region_to_region": "Region till region",
}
NAMES = ("organisation", "category", "kind", "direction")


@dataclass(frozen=True)
class Filters:
    organisation: str | None = None
    category: str | None = None
    kind: str | None = None
    direction: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


ONE_AT_A_TIME = ("Välj ett filter åt gången: organisation, kategori, typ eller riktning. "
                 "Siffrorna skyddas för ett filter i taget; två filter tillsammans skulle visa "
                 "enskilda ärenden.")


def parse_filters(args, county: str | None = None) -> Filters:
    """From query parameters or a stored dict; unknown values are refused in Swedish.
    The page's one select sends `filter=name:value`; links and the API name the filter.
    With `county`, an organisation must be one of that samverkan's."""
    values = {name: (args.get(name) or "").strip() or None for name in NAMES}
    errors: dict[str, list[str]] = {}
    chosen = (args.get("filter") or "").strip()
    if chosen:
        name, _, value = chosen.partition(":")
        if name in NAMES and value.strip():
            values[name] = values[name] or value.strip()
        else:
            errors["filter"] = ["Okänt filter."]
    if values["organisation"] and db.session.scalar(
        select(Organisation.id).where(Organisation.code == values["organisation"],
                                      *([Organisation.county_code == county] if county else []))
    ) is None:
        errors["organisation"] = ["Okänd organisation. Ange organisationens kod, t.ex. 2309."]
    if values["category"] and values["category"] not in BY_CODE:
        errors["category"] = ["Okänd kategori."]
    if values["kind"] and values["kind"] not in {k.value for k in Kind}:
        errors["kind"] = ["Välj deviation (avvikelse) eller complaint (klagomål)."]
    if values["direction"] and values["direction"] not in DIRECTIONS:
        errors["direction"] = ["Välj kommun_to_region, region_to_kommun eller kommun_to_kommun."]
    if errors:
        raise ValidationFailed(errors)
    return Filters(**values)


def view_of(filters: Filters) -> View:
    """The one view of the forum's protected release a filter selects."""
    chosen = [(name, value) for name, value in asdict(filters).items() if value]
    if len(chosen) > 1:
        raise ValidationFailed({"filter": [ONE_AT_A_TIME]})
    return View(*chosen[0]) if chosen else View()
