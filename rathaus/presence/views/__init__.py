"""Pages of the presence app, one module per feature: parse, one service or selector call,
respond."""
