-- The copies bought before org_hotspots_daily existed, aggregated the way settling the burn journal
-- now writes them (by the copy's UTC day).
INSERT INTO "org_hotspots_daily" ("org_id", "day", "hotspot_address", "route_id", "copies", "dc", "last_at_ms")
SELECT "org_id", (to_timestamp("received_at_ms" / 1000.0) AT TIME ZONE 'UTC')::date, "hotspot_address", "route_id", count(*), sum("dc"), max("received_at_ms")
FROM "packet_copies"
GROUP BY 1, 2, 3, 4
ON CONFLICT DO NOTHING;
