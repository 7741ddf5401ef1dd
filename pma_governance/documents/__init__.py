"""Official documents: French legal wording, the WeasyPrint call and the document catalog.

`wording` holds the pure French phrases (« L'an deux mille vingt-trois… »), `render` turns a
template into PDF bytes, `catalog` maps a kind of document to its template and facts.
"""
