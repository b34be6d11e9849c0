"""One module per config section: its settings, its keys, its schema section and its reading."""
