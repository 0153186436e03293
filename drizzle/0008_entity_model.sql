ALTER TABLE "contacts" ADD COLUMN "deleted_in_xero_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "deleted_in_xero_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD COLUMN "position" bigint;--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD COLUMN "unavailable_reason" text;