"""Who may see and change progress records (loaders in the style of the other apps'
permissions.py; the permission-matrix test is the specification)."""
