"""Views of the staff pool; thin: parse, one selector or service call, respond."""
