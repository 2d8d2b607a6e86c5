CREATE TABLE "burn_journal" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "burn_journal_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"decisions" text NOT NULL,
	"drops" text NOT NULL,
	"outcomes" text[] NOT NULL,
	"created_at_ms" bigint NOT NULL
);
