"""Tests of peersupport.validation: reading input, validating, the examples, fuzzing the readers."""
