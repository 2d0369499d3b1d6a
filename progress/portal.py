"""What progress/ adds to the start page, the menu, the demo data, the national data set, the
benchmark and a person's data export. Each topic registers its parts in its own module below."""

from progress import (
    material_portal,  # noqa: F401  (material: the public list's card and measured page, demo files)
    reports_data,  # noqa: F401  (status reports: demo and national data)
    reports_portal,  # noqa: F401  (status reports: start-page cards, measured pages, personal data)
)
from progress.portals import consultants  # noqa: E402, F401  (the consultants topic's parts)
