-- Burn journal values are compressed with lz4 rather than pglz where the server was built with it
-- (PostgreSQL 14+; the embedded database is not, and keeps pglz). A journal row holds a whole burn
-- batch as JSON (about 0.6 kB per decision), written on the router's critical path and read back once
-- by the settle: compressing it with pglz took about 40 % of the commit's PostgreSQL CPU, and lz4 does
-- it several times faster. Only new values are compressed the new way; rows already written are read
-- as they are.
DO $$
BEGIN
  IF (SELECT 'lz4' = ANY ("enumvals") FROM "pg_settings" WHERE "name" = 'default_toast_compression') THEN
    ALTER TABLE "burn_journal" ALTER COLUMN "decisions" SET COMPRESSION lz4;
    ALTER TABLE "burn_journal" ALTER COLUMN "drops" SET COMPRESSION lz4;
    ALTER TABLE "burn_journal" ALTER COLUMN "late_copies" SET COMPRESSION lz4;
    ALTER TABLE "burn_journal" ALTER COLUMN "outcomes" SET COMPRESSION lz4;
  END IF;
END
$$;
