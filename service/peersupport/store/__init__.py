"""The embedded store: which files are served, their named graphs, and loading them into an
on-disk generation and the in-memory copy the query workers answer from."""
