-- Statement statistics for postgres-exporter's slow-query alert (the server preloads the
-- library: docker-compose.yaml). Run by the image when the data volume is created.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
