ALTER TABLE "org_api_keys" ADD COLUMN "name" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "route_stats_daily_org_day_idx" ON "route_stats_daily" USING btree ("org_id","day");