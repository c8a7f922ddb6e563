"""The directory: which organisation and unit codes a case may name."""
from avvikelse.directory.services import organisations


def directory():
    return {
        "organisations": [
            {
                "code": org.code,
                "name": org.name,
                "kind": org.kind.value,
                "units": [{"code": u.code, "name": u.name} for u in org.units if u.active],
            }
            for org in organisations()
        ]
    }
