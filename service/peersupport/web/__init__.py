"""The web service: the app factory, routers for pages, validator and vocabulary, middleware,
error pages, templates and static files."""
