CREATE TABLE "hotspot_epoch_rewards" (
	"hotspot_address" text NOT NULL,
	"epoch" integer NOT NULL,
	"beacon_amount" bigint NOT NULL,
	"witness_amount" bigint NOT NULL,
	"data_amount" bigint NOT NULL,
	"beacon_shares_e8" bigint NOT NULL,
	"witness_shares_e8" bigint NOT NULL,
	"data_dc" bigint NOT NULL,
	"lifetime_amount" bigint NOT NULL,
	CONSTRAINT "hotspot_epoch_rewards_pk" PRIMARY KEY("hotspot_address","epoch")
);
--> statement-breakpoint
CREATE TABLE "reward_epochs" (
	"epoch" integer PRIMARY KEY NOT NULL,
	"start_ms" bigint NOT NULL,
	"end_ms" bigint NOT NULL,
	"parameter_set_id" integer NOT NULL,
	"manifest_hash" text NOT NULL,
	"signature" text NOT NULL,
	"oracle_public_key" text NOT NULL,
	"merkle_root" text NOT NULL,
	"file_name" text NOT NULL,
	"emission" bigint NOT NULL,
	"hotspots_rewarded" integer NOT NULL,
	"beacon_amount" bigint NOT NULL,
	"witness_amount" bigint NOT NULL,
	"data_amount" bigint NOT NULL,
	"operations_amount" bigint NOT NULL,
	"oracles_amount" bigint NOT NULL,
	"unallocated_amount" bigint NOT NULL,
	"dc_burned" bigint NOT NULL,
	"dc_burned_usd" text NOT NULL,
	"token_price_usd" text NOT NULL,
	"emitted_usd" text NOT NULL,
	"summary" jsonb NOT NULL,
	"document_gz" "bytea" NOT NULL,
	"computed_at_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reward_index" (
	"hotspot_address" text PRIMARY KEY NOT NULL,
	"lifetime_amount" bigint NOT NULL,
	"last_epoch" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reward_parameter_sets" (
	"id" serial PRIMARY KEY NOT NULL,
	"effective_from_epoch" integer NOT NULL,
	"params" jsonb NOT NULL,
	"params_hash" text NOT NULL,
	"created_at_ms" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reward_epochs" ADD CONSTRAINT "reward_epochs_parameter_set_id_reward_parameter_sets_id_fk" FOREIGN KEY ("parameter_set_id") REFERENCES "public"."reward_parameter_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hotspot_epoch_rewards_epoch_idx" ON "hotspot_epoch_rewards" USING btree ("epoch","hotspot_address");--> statement-breakpoint
CREATE INDEX "reward_parameter_sets_epoch_idx" ON "reward_parameter_sets" USING btree ("effective_from_epoch","id");