"""The rules of the four application systems: pure, no I/O, no framework."""
