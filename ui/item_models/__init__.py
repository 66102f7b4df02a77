"""Qt item models over the plain rows the core's queries return."""
