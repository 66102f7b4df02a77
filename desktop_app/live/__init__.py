"""Live workstations: the change feed, its readers and who is connected (DESIGN §5, §9)."""
