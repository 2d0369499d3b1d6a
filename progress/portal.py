"""What progress/ adds to the start page, the menu, the demo data, the national data set, the
benchmark and a person's data export. Each topic registers its parts in its own module below."""

from progress import (  # noqa: F401  (each module registers its parts when imported)
    demo,  # milestones and records: demo data
    material_portal,  # material: the public list's card and measured page, demo files
    national,  # milestones and records: national data
    personal_data,  # milestones and records: a person's data
    portal_milestones,  # milestones: cards, round menu, measured pages
    reports_data,  # status reports: demo and national data
    reports_portal,  # status reports: start-page cards, measured pages, personal data
)
from progress.portals import consultants  # noqa: F401  (the consultants topic's parts)
