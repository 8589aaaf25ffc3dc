"""oppgjor: settlement engine for Norwegian healthcare providers."""

__version__ = "0.1.0"
