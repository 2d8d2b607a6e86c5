ALTER TABLE "hotspots" ADD COLUMN "country_code" text;--> statement-breakpoint
CREATE INDEX "hotspots_country_idx" ON "hotspots" USING btree ("country_code","address");--> statement-breakpoint
CREATE INDEX "hotspots_uncountried_idx" ON "hotspots" USING btree ("address") WHERE "hotspots"."country_code" is null and "hotspots"."location_cell" is not null;