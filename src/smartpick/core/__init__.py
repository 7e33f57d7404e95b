"""The pure core: no I/O, no web, no CLI, no SQL. Everything here takes data and returns data."""
