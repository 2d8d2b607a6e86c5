CREATE TABLE "org_hotspots_daily" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"hotspot_address" text NOT NULL,
	"route_id" uuid NOT NULL,
	"copies" bigint NOT NULL,
	"dc" bigint NOT NULL,
	"last_at_ms" bigint NOT NULL,
	CONSTRAINT "org_hotspots_daily_org_id_day_hotspot_address_route_id_pk" PRIMARY KEY("org_id","day","hotspot_address","route_id")
);
