"""centralasia_feed: scraped news-site dumps in, valid feeds out.

(The usage walkthrough lands with the public API.)
"""
