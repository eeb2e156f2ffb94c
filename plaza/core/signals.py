"""Signal handlers core needs at start-up."""
