ALTER TABLE "owner_alerts" ADD COLUMN "epoch_rewards" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "owner_alerts" ADD COLUMN "rewards_epoch_told" integer;