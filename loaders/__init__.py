"""Documents in, model out: read(bytes) -> entries; transform(entries) -> Portfolio. Never imports neo4j."""
