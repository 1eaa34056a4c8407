"""healthradar: an open-source observatory of health-innovation ecosystems."""

__version__ = "0.1.0"
