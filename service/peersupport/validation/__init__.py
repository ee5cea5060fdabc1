"""Validation of organisations' data: reading their input (RDF formats, the spreadsheet template),
checking it against the shapes, and the report in text, JSON, Turtle and for the web page."""
