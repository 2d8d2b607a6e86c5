CREATE TABLE "owner_alert_hotspots" (
	"hotspot_address" text PRIMARY KEY NOT NULL,
	"owner_address" text NOT NULL,
	"online" boolean NOT NULL,
	"changed_at_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "owner_alerts" (
	"owner_address" text PRIMARY KEY NOT NULL,
	"active" boolean NOT NULL,
	"url" text NOT NULL,
	"auth_header" text,
	"nonce" bigint NOT NULL,
	"updated_at_ms" bigint NOT NULL,
	"lease_until_ms" bigint,
	"last_sent_at_ms" bigint,
	"last_error" text
);
