"""Publication: the public portal, Atom feeds, sitemap, SCDL open data and the read-only JSON API of published acts."""
