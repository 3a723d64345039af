"""Qt widgets: thin views over the core. The only package that imports PySide6."""
