CREATE TABLE "org_balance_alerts" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"threshold_dc" bigint NOT NULL,
	"url" text NOT NULL,
	"auth_header" text,
	"armed" boolean DEFAULT true NOT NULL,
	"last_sent_at_ms" bigint,
	"last_attempt_at_ms" bigint,
	"last_error" text,
	"updated_at_ms" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "org_balance_alerts" ADD CONSTRAINT "org_balance_alerts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;