CREATE TABLE "xero_session_summaries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"day" date NOT NULL,
	"user_id" text,
	"tenant_id" uuid,
	"tenant_name" text,
	"kind" text NOT NULL,
	"sessions" integer DEFAULT 0 NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"rate_limited" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"api_calls" bigint DEFAULT 0 NOT NULL,
	"records_fetched" bigint DEFAULT 0 NOT NULL,
	"records_inserted" bigint DEFAULT 0 NOT NULL,
	"records_updated" bigint DEFAULT 0 NOT NULL,
	"records_unchanged" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "xero_session_summaries_key_uq" UNIQUE NULLS NOT DISTINCT("day","user_id","tenant_id","kind")
);
--> statement-breakpoint
CREATE TABLE "xero_webhook_deliveries" (
	"digest" text PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"session_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "xero_tenants" ADD COLUMN "webhook_sync_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "xero_tenants" ADD COLUMN "webhook_sync_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "xero_session_summaries" ADD CONSTRAINT "xero_session_summaries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "xero_session_summaries_user_idx" ON "xero_session_summaries" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "xero_webhook_deliveries_received_idx" ON "xero_webhook_deliveries" USING btree ("received_at");