CREATE TABLE "xero_limit_calls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"xero_tenant_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "xero_limit_scopes" (
	"client_id" text NOT NULL,
	"xero_tenant_id" text NOT NULL,
	"paused_until" timestamp with time zone,
	"minute_left" integer,
	"minute_seen_start" timestamp with time zone,
	"minute_seen_at" timestamp with time zone,
	"day_left" integer,
	"day_seen_start" timestamp with time zone,
	"day_limited_until" timestamp with time zone,
	CONSTRAINT "xero_limit_scopes_client_id_xero_tenant_id_pk" PRIMARY KEY("client_id","xero_tenant_id")
);
--> statement-breakpoint
CREATE INDEX "xero_limit_calls_tenant_idx" ON "xero_limit_calls" USING btree ("client_id","xero_tenant_id","started_at");--> statement-breakpoint
CREATE INDEX "xero_limit_calls_app_idx" ON "xero_limit_calls" USING btree ("client_id","started_at");