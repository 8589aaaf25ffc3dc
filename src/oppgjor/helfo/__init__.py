"""Helfo direct settlement: claims, settlements and their workflow, controls, the Helfo calendar."""
