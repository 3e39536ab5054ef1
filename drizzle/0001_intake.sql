CREATE TABLE "notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"instance_id" integer NOT NULL,
	"dedupe_key" text NOT NULL,
	"type_webhook" text NOT NULL,
	"body" jsonb NOT NULL,
	"via" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "intake_error" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_instance_id_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_instance_dedupe_idx" ON "notifications" USING btree ("instance_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "notifications_unprocessed_idx" ON "notifications" USING btree ("id") WHERE "notifications"."processed_at" is null;