"""The core: the portfolio model, pure analysis over networkx, and the store port with its adapters."""
