CREATE TABLE "route_delivery" (
	"route_id" uuid PRIMARY KEY NOT NULL,
	"last_error" text NOT NULL,
	"last_error_at_ms" bigint NOT NULL,
	"backoffs" integer NOT NULL,
	"backoff_until_ms" bigint,
	"recovered_at_ms" bigint
);
--> statement-breakpoint
ALTER TABLE "route_delivery" ADD CONSTRAINT "route_delivery_route_id_routes_id_fk" FOREIGN KEY ("route_id") REFERENCES "public"."routes"("id") ON DELETE cascade ON UPDATE no action;