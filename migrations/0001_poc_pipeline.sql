CREATE TYPE "public"."beacon_status" AS ENUM('pending', 'verified');--> statement-breakpoint
CREATE TYPE "public"."denylist_kind" AS ENUM('key', 'edge');--> statement-breakpoint
CREATE TABLE "entropy_values" (
	"data" "bytea" PRIMARY KEY NOT NULL,
	"timestamp_sec" bigint NOT NULL,
	"version" integer NOT NULL,
	"signature" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "beacon_reports" (
	"id" text PRIMARY KEY NOT NULL,
	"hotspot_address" text NOT NULL,
	"received_at_ms" bigint NOT NULL,
	"payload" "bytea" NOT NULL,
	"local_entropy" "bytea" NOT NULL,
	"remote_entropy" "bytea" NOT NULL,
	"frequency_hz" bigint NOT NULL,
	"channel" integer NOT NULL,
	"data_rate" text NOT NULL,
	"tx_power_dbm" smallint NOT NULL,
	"reported_timestamp_ns" bigint NOT NULL,
	"tmst" bigint NOT NULL,
	"encoded" "bytea" NOT NULL,
	"status" "beacon_status" DEFAULT 'pending' NOT NULL,
	"verified_at_ms" bigint
);
--> statement-breakpoint
CREATE TABLE "witness_reports" (
	"id" text PRIMARY KEY NOT NULL,
	"hotspot_address" text NOT NULL,
	"received_at_ms" bigint NOT NULL,
	"payload" "bytea" NOT NULL,
	"reported_timestamp_ns" bigint NOT NULL,
	"tmst" bigint NOT NULL,
	"signal_dbm_x10" integer NOT NULL,
	"snr_db_x10" integer NOT NULL,
	"frequency_hz" bigint NOT NULL,
	"data_rate" text NOT NULL,
	"encoded" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "beacon_verdicts" (
	"beacon_id" text PRIMARY KEY NOT NULL,
	"hotspot_address" text NOT NULL,
	"received_at_ms" bigint NOT NULL,
	"epoch" integer NOT NULL,
	"valid" boolean NOT NULL,
	"reason" text,
	"details" jsonb NOT NULL,
	"location_cell" text,
	"witness_count" integer NOT NULL,
	"valid_witness_count" integer NOT NULL,
	"selected_witness_count" integer NOT NULL,
	"denylist_version" integer NOT NULL,
	"verified_at_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "denylist_entries" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" "denylist_kind" NOT NULL,
	"address" text NOT NULL,
	"other_address" text,
	"reason" text NOT NULL,
	"added_in_version" integer NOT NULL,
	"removed_in_version" integer
);
--> statement-breakpoint
CREATE TABLE "denylist_versions" (
	"version" serial PRIMARY KEY NOT NULL,
	"created_at_ms" bigint NOT NULL,
	"note" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fraud_flags" (
	"epoch" integer NOT NULL,
	"hotspot_address" text NOT NULL,
	"kind" text NOT NULL,
	"score" real NOT NULL,
	"evidence" jsonb NOT NULL,
	CONSTRAINT "fraud_flags_pk" PRIMARY KEY("epoch","hotspot_address","kind")
);
--> statement-breakpoint
CREATE TABLE "witness_verdicts" (
	"beacon_id" text NOT NULL,
	"witness_id" text NOT NULL,
	"hotspot_address" text NOT NULL,
	"beaconer_address" text NOT NULL,
	"received_at_ms" bigint NOT NULL,
	"epoch" integer NOT NULL,
	"valid" boolean NOT NULL,
	"reason" text,
	"details" jsonb NOT NULL,
	"selected" boolean NOT NULL,
	"signal_dbm_x10" integer NOT NULL,
	"snr_db_x10" integer NOT NULL,
	"distance_m" integer,
	"location_cell" text,
	CONSTRAINT "witness_verdicts_pk" PRIMARY KEY("beacon_id","witness_id")
);
--> statement-breakpoint
CREATE INDEX "entropy_values_time_idx" ON "entropy_values" USING btree ("timestamp_sec");--> statement-breakpoint
CREATE INDEX "beacon_reports_pending_idx" ON "beacon_reports" USING btree ("status","received_at_ms");--> statement-breakpoint
CREATE INDEX "beacon_reports_hotspot_idx" ON "beacon_reports" USING btree ("hotspot_address","received_at_ms");--> statement-breakpoint
CREATE INDEX "beacon_reports_payload_idx" ON "beacon_reports" USING btree ("payload");--> statement-breakpoint
CREATE INDEX "witness_reports_payload_idx" ON "witness_reports" USING btree ("payload","received_at_ms");--> statement-breakpoint
CREATE INDEX "witness_reports_hotspot_idx" ON "witness_reports" USING btree ("hotspot_address","received_at_ms");--> statement-breakpoint
CREATE INDEX "beacon_verdicts_hotspot_idx" ON "beacon_verdicts" USING btree ("hotspot_address","received_at_ms");--> statement-breakpoint
CREATE INDEX "beacon_verdicts_epoch_idx" ON "beacon_verdicts" USING btree ("epoch");--> statement-breakpoint
CREATE INDEX "denylist_entries_address_idx" ON "denylist_entries" USING btree ("address");--> statement-breakpoint
CREATE INDEX "witness_verdicts_hotspot_idx" ON "witness_verdicts" USING btree ("hotspot_address","received_at_ms");--> statement-breakpoint
CREATE INDEX "witness_verdicts_epoch_idx" ON "witness_verdicts" USING btree ("epoch","selected");