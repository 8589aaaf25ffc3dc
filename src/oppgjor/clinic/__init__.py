"""Clinic domain: practice, departments, practitioners, patients, referrers, tariff plates,
treatment series and templates, planner appointments. Pure: standard library, python-stdnum
and ``oppgjor.core`` only."""
