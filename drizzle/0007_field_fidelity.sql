DROP INDEX "notifications_unprocessed_idx";--> statement-breakpoint
ALTER TABLE "history_imports" ADD COLUMN "head_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "previous_wid" text;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "wid_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "alt_wa_chat_id" text;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "owner_wid" text;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "subject_fetched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "sender_id" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "quarantined_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "original" text;--> statement-breakpoint
CREATE INDEX "chats_instance_alt_idx" ON "chats" USING btree ("instance_id","alt_wa_chat_id") WHERE "chats"."alt_wa_chat_id" is not null;--> statement-breakpoint
CREATE INDEX "notifications_quarantine_idx" ON "notifications" USING btree ("instance_id","id") WHERE "notifications"."quarantined_at" is not null;--> statement-breakpoint
CREATE INDEX "notifications_unprocessed_idx" ON "notifications" USING btree ("id") WHERE "notifications"."processed_at" is null and "notifications"."quarantined_at" is null;--> statement-breakpoint
UPDATE "chats" SET "owner_wid" = "instances"."wid" FROM "instances" WHERE "instances"."id" = "chats"."instance_id" AND "instances"."wid" IS NOT NULL AND "instances"."wid" <> '';
