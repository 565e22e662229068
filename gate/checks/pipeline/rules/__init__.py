"""The built-in pipeline rules, one module per class of flaw."""
