CREATE TYPE "public"."dc_ledger_kind" AS ENUM('purchase', 'top_up', 'burn');--> statement-breakpoint
CREATE TYPE "public"."org_api_key_scope" AS ENUM('read', 'write');--> statement-breakpoint
CREATE TABLE "dc_ledger" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "dc_ledger_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"org_id" uuid NOT NULL,
	"kind" "dc_ledger_kind" NOT NULL,
	"amount_dc" bigint NOT NULL,
	"balance_after_dc" bigint NOT NULL,
	"copies" integer DEFAULT 0 NOT NULL,
	"memo" text DEFAULT '' NOT NULL,
	"created_at_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "devaddr_blocks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"net_id" text NOT NULL,
	"start_addr" bigint NOT NULL,
	"end_addr" bigint NOT NULL,
	"allocated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "org_api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"scope" "org_api_key_scope" NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "org_api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "orgs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"net_id" text NOT NULL,
	"dc_balance" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "orgs_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "packet_copies" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "packet_copies_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"packet_hash" "bytea" NOT NULL,
	"route_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"hotspot_address" text NOT NULL,
	"dc" integer NOT NULL,
	"rssi_dbm" integer NOT NULL,
	"snr_db" real NOT NULL,
	"frequency_hz" bigint NOT NULL,
	"data_rate" text NOT NULL,
	"received_at_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "route_devaddr_ranges" (
	"route_id" uuid NOT NULL,
	"start_addr" bigint NOT NULL,
	"end_addr" bigint NOT NULL,
	CONSTRAINT "route_devaddr_ranges_route_id_start_addr_end_addr_pk" PRIMARY KEY("route_id","start_addr","end_addr")
);
--> statement-breakpoint
CREATE TABLE "route_drops_daily" (
	"route_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"reason" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "route_drops_daily_route_id_day_reason_pk" PRIMARY KEY("route_id","day","reason")
);
--> statement-breakpoint
CREATE TABLE "route_eui_pairs" (
	"route_id" uuid NOT NULL,
	"join_eui" text NOT NULL,
	"dev_eui" text NOT NULL,
	CONSTRAINT "route_eui_pairs_route_id_join_eui_dev_eui_pk" PRIMARY KEY("route_id","join_eui","dev_eui")
);
--> statement-breakpoint
CREATE TABLE "route_skfs" (
	"route_id" uuid NOT NULL,
	"dev_addr" bigint NOT NULL,
	"session_key" text NOT NULL,
	"max_copies" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "route_skfs_route_id_dev_addr_session_key_pk" PRIMARY KEY("route_id","dev_addr","session_key")
);
--> statement-breakpoint
CREATE TABLE "route_stats_daily" (
	"route_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"packets" bigint DEFAULT 0 NOT NULL,
	"copies" bigint DEFAULT 0 NOT NULL,
	"dc" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "route_stats_daily_route_id_day_pk" PRIMARY KEY("route_id","day")
);
--> statement-breakpoint
CREATE TABLE "routed_packets" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "routed_packets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"packet_hash" "bytea" NOT NULL,
	"route_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"dev_addr" text,
	"join_eui" text,
	"dev_eui" text,
	"f_cnt" integer,
	"f_port" integer,
	"payload_bytes" integer NOT NULL,
	"copies_heard" integer NOT NULL,
	"copies_bought" integer NOT NULL,
	"dc" integer NOT NULL,
	"status" text NOT NULL,
	"received_at_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"endpoint" jsonb NOT NULL,
	"max_copies" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"locked" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routing_config_version" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dc_ledger" ADD CONSTRAINT "dc_ledger_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devaddr_blocks" ADD CONSTRAINT "devaddr_blocks_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_api_keys" ADD CONSTRAINT "org_api_keys_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "route_devaddr_ranges" ADD CONSTRAINT "route_devaddr_ranges_route_id_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "route_eui_pairs" ADD CONSTRAINT "route_eui_pairs_route_id_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "route_skfs" ADD CONSTRAINT "route_skfs_route_id_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routes" ADD CONSTRAINT "routes_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dc_ledger_org_idx" ON "dc_ledger" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "devaddr_blocks_org_idx" ON "devaddr_blocks" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "devaddr_blocks_range_idx" ON "devaddr_blocks" USING btree ("net_id","start_addr");--> statement-breakpoint
CREATE INDEX "org_api_keys_org_idx" ON "org_api_keys" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "packet_copies_time_idx" ON "packet_copies" USING btree ("received_at_ms");--> statement-breakpoint
CREATE INDEX "packet_copies_hotspot_idx" ON "packet_copies" USING btree ("hotspot_address","received_at_ms");--> statement-breakpoint
CREATE INDEX "route_eui_pairs_lookup_idx" ON "route_eui_pairs" USING btree ("join_eui","dev_eui");--> statement-breakpoint
CREATE INDEX "routed_packets_route_idx" ON "routed_packets" USING btree ("route_id","received_at_ms");--> statement-breakpoint
CREATE INDEX "routed_packets_time_idx" ON "routed_packets" USING btree ("received_at_ms");--> statement-breakpoint
CREATE INDEX "routes_org_idx" ON "routes" USING btree ("org_id");