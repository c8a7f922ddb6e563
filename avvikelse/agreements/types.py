"""The national list of category types: every agreement's categories map onto these, so
figures can be compared across agreements, versions and counties. A fixed list (code,
not data): adding a type is a release, as a comparison across counties needs."""
import enum

from flask_babel import lazy_gettext as _l


class CategoryType(enum.StrEnum):
    INFORMATION_TRANSFER = "information_transfer"
    CARE_PLANNING = "care_planning"
    CARE_CONTACT = "care_contact"
    MEDICATION = "medication"
    PHYSICIAN_AVAILABILITY = "physician_availability"
    RESPONSIBILITY = "responsibility"
    SELF_CARE = "self_care"
    EQUIPMENT = "equipment"
    PURCHASED_SERVICES = "purchased_services"
    HYGIENE = "hygiene"
    CONDUCT = "conduct"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(TYPE_LABELS[self])


TYPE_LABELS = {
    CategoryType.INFORMATION_TRANSFER: _l("Informationsöverföring och utskrivning"),
    CategoryType.CARE_PLANNING: _l("Samordnad planering"),
    CategoryType.CARE_CONTACT: _l("Fast vårdkontakt och kontinuitet"),
    CategoryType.MEDICATION: _l("Läkemedel"),
    CategoryType.PHYSICIAN_AVAILABILITY: _l("Läkarmedverkan och tillgänglighet"),
    CategoryType.RESPONSIBILITY: _l("Ansvarsfördelning mellan huvudmännen"),
    CategoryType.SELF_CARE: _l("Egenvård"),
    CategoryType.EQUIPMENT: _l("Hjälpmedel, medicinteknik och material"),
    CategoryType.PURCHASED_SERVICES: _l("Tjänsteköp"),
    CategoryType.HYGIENE: _l("Vårdhygien"),
    CategoryType.CONDUCT: _l("Bemötande och kommunikation"),
    CategoryType.OTHER: _l("Övrigt"),
}
