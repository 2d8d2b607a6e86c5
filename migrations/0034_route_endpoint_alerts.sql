ALTER TABLE "org_balance_alerts" ADD COLUMN "endpoint_alerts" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "route_delivery" ADD COLUMN "down_told_at_ms" bigint;--> statement-breakpoint
ALTER TABLE "route_delivery" ADD COLUMN "recovered_told_at_ms" bigint;