DROP INDEX "packet_copies_time_idx";--> statement-breakpoint
DROP INDEX "packet_copies_hotspot_idx";--> statement-breakpoint
DROP INDEX "routed_packets_time_idx";--> statement-breakpoint
CREATE INDEX "packet_copies_time_brin" ON "packet_copies" USING brin ("received_at_ms");--> statement-breakpoint
CREATE INDEX "routed_packets_time_brin" ON "routed_packets" USING brin ("received_at_ms");--> statement-breakpoint
ALTER TABLE "packet_copies" DROP COLUMN "id";