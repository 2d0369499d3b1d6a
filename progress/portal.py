"""What progress/ adds to the start page, the menu, the demo data, the national data set, the
benchmark and a person's data export. Each topic registers its parts in its module of
progress/portals/ when imported."""

from progress.portals import (  # noqa: F401  (each module registers its parts when imported)
    consultants,  # consultants: card, menu, demo and national sessions, personal data
    material,  # material: the public list's card and measured page, demo files
    milestones,  # milestones: cards, round menu, measured pages
    milestones_data,  # milestones and records: demo and national data
    milestones_personal,  # milestones and records: a person's data
    reports,  # status reports: start-page cards, measured pages, personal data
    reports_data,  # status reports: demo and national data
)
