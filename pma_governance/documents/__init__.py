"""Official documents and signing: what each document states, its PDF, the signatures.

`contexts` gathers the facts each document states (PV, liste, convocation, émargement,
extrait du registre); `catalog` maps a kind of document to its template and renders it;
`signing` signs a PV or an act (president, then secretary) and freezes its facts;
`services` holds the use cases (a signature given or withdrawn, an erratum, the PV's
preview); `views` and `urls` serve them. PDF rendering and PAdES are in `pma_governance.lib`.
"""
