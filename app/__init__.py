"""Entry points: the CLI and the FastAPI application."""
