CREATE TABLE "stale_witnesses" (
	"witness_id" text PRIMARY KEY NOT NULL,
	"hotspot_address" text NOT NULL,
	"received_at_ms" bigint NOT NULL,
	"epoch" integer NOT NULL,
	"reason" text NOT NULL,
	"details" jsonb NOT NULL,
	"aged_out_at_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "verifier_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"value_ms" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "beacon_verdicts" ADD COLUMN "passed_checks" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "witness_verdicts" ADD COLUMN "passed_checks" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "witness_verdicts" ADD COLUMN "expected_max_rssi_dbm" real;--> statement-breakpoint
CREATE INDEX "stale_witnesses_epoch_idx" ON "stale_witnesses" USING btree ("epoch");--> statement-breakpoint
CREATE INDEX "stale_witnesses_hotspot_idx" ON "stale_witnesses" USING btree ("hotspot_address","received_at_ms");--> statement-breakpoint
CREATE INDEX "witness_verdicts_witness_idx" ON "witness_verdicts" USING btree ("witness_id");