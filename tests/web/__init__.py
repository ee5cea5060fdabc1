"""Tests of peersupport.web over HTTP and in a browser: pages, errors, the access log, hostile input, load."""
