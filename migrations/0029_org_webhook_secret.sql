ALTER TABLE "orgs" ADD COLUMN "webhook_secret" text;--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "webhook_secret_created_at_ms" bigint;--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "webhook_secret_previous" text;--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "webhook_secret_previous_until_ms" bigint;