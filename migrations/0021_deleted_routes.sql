CREATE TABLE "deleted_route_eui_pairs" (
	"route_id" uuid NOT NULL,
	"join_eui" text NOT NULL,
	"dev_eui" text NOT NULL,
	CONSTRAINT "deleted_route_eui_pairs_route_id_join_eui_dev_eui_pk" PRIMARY KEY("route_id","join_eui","dev_eui")
);
--> statement-breakpoint
CREATE TABLE "deleted_routes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"endpoint" jsonb NOT NULL,
	"max_copies" integer NOT NULL,
	"active" boolean NOT NULL,
	"locked" boolean NOT NULL,
	"devaddr_ranges" jsonb NOT NULL,
	"eui_pair_count" integer NOT NULL,
	"skf_count" integer NOT NULL,
	"delivery" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone NOT NULL,
	"deleted_by_key_id" uuid
);
--> statement-breakpoint
ALTER TABLE "deleted_route_eui_pairs" ADD CONSTRAINT "deleted_route_eui_pairs_route_id_deleted_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."deleted_routes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deleted_routes" ADD CONSTRAINT "deleted_routes_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deleted_routes" ADD CONSTRAINT "deleted_routes_deleted_by_key_id_org_api_keys_id_fk" FOREIGN KEY ("deleted_by_key_id") REFERENCES "public"."org_api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deleted_routes_org_deleted_idx" ON "deleted_routes" USING btree ("org_id","deleted_at","id");