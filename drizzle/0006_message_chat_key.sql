-- The unique index first: the new foreign key points at it.
CREATE UNIQUE INDEX "chats_id_instance_idx" ON "chats" USING btree ("id","instance_id");--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_instance_id_instances_id_fk";
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_chat_id_chats_id_fk";
--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_chat_instance_fk" FOREIGN KEY ("chat_id","instance_id") REFERENCES "public"."chats"("id","instance_id") ON DELETE cascade ON UPDATE no action;
