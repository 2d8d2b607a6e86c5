CREATE TYPE "public"."hotspot_capability" AS ENUM('full', 'data_only');--> statement-breakpoint
CREATE TABLE "maker_api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"maker_id" uuid NOT NULL,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "maker_api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "makers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "makers_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "hotspots" (
	"address" text PRIMARY KEY NOT NULL,
	"public_key" "bytea" NOT NULL,
	"owner_address" text NOT NULL,
	"maker_id" uuid NOT NULL,
	"capability" "hotspot_capability" NOT NULL,
	"gateway_eui" text NOT NULL,
	"location_cell" text,
	"location_cell_res8" text,
	"gain_dbi_x10" smallint,
	"elevation_m" integer,
	"region" text,
	"assert_nonce" bigint DEFAULT 0 NOT NULL,
	"location_asserted_at" timestamp with time zone,
	"onboarded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "hotspots_public_key_unique" UNIQUE("public_key"),
	CONSTRAINT "hotspots_gateway_eui_unique" UNIQUE("gateway_eui")
);
--> statement-breakpoint
CREATE TABLE "location_assertions" (
	"hotspot_address" text NOT NULL,
	"nonce" bigint NOT NULL,
	"owner_address" text NOT NULL,
	"location_cell" text NOT NULL,
	"gain_dbi_x10" smallint NOT NULL,
	"elevation_m" integer NOT NULL,
	"region" text NOT NULL,
	"signature" "bytea" NOT NULL,
	"asserted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "maker_api_keys" ADD CONSTRAINT "maker_api_keys_maker_id_makers_id_fk" FOREIGN KEY ("maker_id") REFERENCES "public"."makers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotspots" ADD CONSTRAINT "hotspots_maker_id_makers_id_fk" FOREIGN KEY ("maker_id") REFERENCES "public"."makers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location_assertions" ADD CONSTRAINT "location_assertions_hotspot_address_hotspots_address_fk" FOREIGN KEY ("hotspot_address") REFERENCES "public"."hotspots"("address") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "maker_api_keys_maker_idx" ON "maker_api_keys" USING btree ("maker_id");--> statement-breakpoint
CREATE INDEX "hotspots_owner_idx" ON "hotspots" USING btree ("owner_address","address");--> statement-breakpoint
CREATE INDEX "hotspots_location_res8_idx" ON "hotspots" USING btree ("location_cell_res8");--> statement-breakpoint
CREATE UNIQUE INDEX "location_assertions_pk" ON "location_assertions" USING btree ("hotspot_address","nonce");--> statement-breakpoint
CREATE INDEX "location_assertions_time_idx" ON "location_assertions" USING btree ("hotspot_address","asserted_at");