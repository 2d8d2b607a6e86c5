ALTER TABLE "hotspots" ADD COLUMN "name" text;--> statement-breakpoint
CREATE INDEX "hotspots_name_idx" ON "hotspots" USING btree ("name" text_pattern_ops,"address");--> statement-breakpoint
CREATE INDEX "hotspots_unnamed_idx" ON "hotspots" USING btree ("address") WHERE "hotspots"."name" is null;