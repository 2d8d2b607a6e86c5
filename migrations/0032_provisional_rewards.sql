CREATE TABLE "provisional_hotspot_rewards" (
	"epoch" integer NOT NULL,
	"hotspot_address" text NOT NULL,
	"beacon_amount" bigint NOT NULL,
	"witness_amount" bigint NOT NULL,
	"data_amount" bigint NOT NULL,
	"total_amount" bigint GENERATED ALWAYS AS (beacon_amount + witness_amount + data_amount) STORED NOT NULL,
	"beacons" integer NOT NULL,
	"witnesses" integer NOT NULL,
	"data_dc" bigint NOT NULL,
	CONSTRAINT "provisional_hotspot_rewards_pk" PRIMARY KEY("epoch","hotspot_address")
);
--> statement-breakpoint
CREATE TABLE "provisional_reward_epochs" (
	"epoch" integer PRIMARY KEY NOT NULL,
	"start_ms" bigint NOT NULL,
	"end_ms" bigint NOT NULL,
	"as_of_ms" bigint NOT NULL,
	"parameter_set_id" integer NOT NULL,
	"emission" bigint NOT NULL,
	"hotspots" integer NOT NULL,
	"beacon_amount" bigint NOT NULL,
	"witness_amount" bigint NOT NULL,
	"data_amount" bigint NOT NULL,
	"data_dc" bigint NOT NULL,
	"summary" jsonb NOT NULL,
	"computed_at_ms" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "provisional_hotspot_rewards" ADD CONSTRAINT "provisional_hotspot_rewards_epoch_provisional_reward_epochs_epoch_fk" FOREIGN KEY ("epoch") REFERENCES "public"."provisional_reward_epochs"("epoch") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisional_reward_epochs" ADD CONSTRAINT "provisional_reward_epochs_parameter_set_id_reward_parameter_sets_id_fk" FOREIGN KEY ("parameter_set_id") REFERENCES "public"."reward_parameter_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "provisional_hotspot_rewards_address_idx" ON "provisional_hotspot_rewards" USING btree ("hotspot_address");