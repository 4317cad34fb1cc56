"""Extract: sentences to coded events (type, actors, place, date, casualties) with provenance."""
