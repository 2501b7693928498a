"""Core pages: start page, staff directory, import, change log, legal pages, region admin, errors."""
