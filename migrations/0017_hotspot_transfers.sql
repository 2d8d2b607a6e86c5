CREATE TABLE "hotspot_transfers" (
	"hotspot_address" text NOT NULL,
	"nonce" bigint NOT NULL,
	"from_owner" text NOT NULL,
	"to_owner" text NOT NULL,
	"signature" "bytea" NOT NULL,
	"transferred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "hotspots" ADD COLUMN "transfer_nonce" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "hotspot_transfers" ADD CONSTRAINT "hotspot_transfers_hotspot_address_hotspots_address_fk" FOREIGN KEY ("hotspot_address") REFERENCES "public"."hotspots"("address") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "hotspot_transfers_pk" ON "hotspot_transfers" USING btree ("hotspot_address","nonce");