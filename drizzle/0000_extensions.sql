-- Trigram indexes power substring search over invoice numbers, references and contact names.
-- PGlite loads the extension in lib/db/client.ts; Debian's server ships it in postgresql-contrib.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
