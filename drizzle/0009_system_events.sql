ALTER TABLE "instances" ADD COLUMN "telegram_locale" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "event" jsonb;