"""Controller drivers, one file each; Onbon K and G6 share :mod:`.onbon_framing`."""
