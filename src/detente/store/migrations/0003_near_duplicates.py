"""Near-duplicate articles and feed state.

- ``articles.num_articles`` / ``num_sources``: how many documents carried the story (the coded
  article and its linked copies) and from how many distinct sources (outlet, else the URL's host):
  GDELT's NumArticles / NumSources. 1 and 1 for an article nobody repeated.
- ``article_sources``: one row per near-copy (wire copy republished elsewhere) linked to the coded
  article it repeats; ``id`` is the copy's own stable article id, so ingesting it again adds nothing.
- ``article_minhash`` and ``article_bands``: the MinHash signature, word digest and LSH band keys of
  each coded article, the persistent near-duplicate index (looked up per batch; nothing is held in memory).
- ``feed_items``: the items ``detente watch`` has handled, per feed.

No primary keys on the new tables: DuckDB keeps a key's index in memory, and these tables grow
with the corpus; writes check ids in the batch's own transaction instead.
"""

SQL = """
ALTER TABLE articles ADD COLUMN num_articles INTEGER DEFAULT 1;
ALTER TABLE articles ADD COLUMN num_sources INTEGER DEFAULT 1;
CREATE TABLE article_sources (
    id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, similarity DOUBLE, url VARCHAR, outlet VARCHAR,
    title VARCHAR, published TIMESTAMP, language VARCHAR, source_path VARCHAR, source_id VARCHAR,
    run_id VARCHAR, ingested_at TIMESTAMP
);
CREATE TABLE article_minhash (
    article_id VARCHAR NOT NULL, scheme VARCHAR NOT NULL, signature BLOB NOT NULL, digest BLOB NOT NULL
);
CREATE TABLE article_bands (key BIGINT NOT NULL, article_id VARCHAR NOT NULL);
CREATE TABLE feed_items (
    feed VARCHAR NOT NULL, item VARCHAR NOT NULL, url VARCHAR, status VARCHAR, detail VARCHAR,
    seen_at TIMESTAMP
);
"""
