CREATE TABLE "xero_usage_days" (
	"day" date NOT NULL,
	"client_id" text NOT NULL,
	"xero_tenant_id" text NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"day_limit_remaining" integer,
	"day_limit_seen_at" timestamp with time zone,
	CONSTRAINT "xero_usage_days_client_id_xero_tenant_id_day_pk" PRIMARY KEY("client_id","xero_tenant_id","day")
);
--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "xero_tenants" ADD COLUMN "sync_interval_minutes" integer;--> statement-breakpoint
ALTER TABLE "xero_tenants" ADD COLUMN "sync_paused_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "xero_usage_days_day_idx" ON "xero_usage_days" USING btree ("client_id","day");