"""A table-driven DRG grouper for the NordDRG definition-data format: :mod:`.definitions`
reads and indexes a year's tables, :mod:`.matching` turns a case into features and finds the
first decision-table row they satisfy."""
