"""The session interchange format `pma-governance.session/1` (DESIGN §7): a whole session as
one JSON document, to import archives, back up and test. `schema` holds the document's
structure, `checks` the cross-references and CGCT rules, `validation` both together,
`importer` and `exporter` the two directions, and the `import_session` and `export_session`
commands call them.
"""
