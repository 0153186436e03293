CREATE TABLE "accounts" (
	"user_id" text NOT NULL,
	"type" text NOT NULL,
	"provider" text NOT NULL,
	"provider_account_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_provider_provider_account_id_pk" PRIMARY KEY("provider","provider_account_id")
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"tenant_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"name" text NOT NULL,
	"first_name" text,
	"last_name" text,
	"email_address" text,
	"contact_number" text,
	"account_number" text,
	"contact_status" text NOT NULL,
	"is_customer" boolean DEFAULT false NOT NULL,
	"is_supplier" boolean DEFAULT false NOT NULL,
	"default_currency" text,
	"tax_number" text,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contacts_tenant_id_contact_id_pk" PRIMARY KEY("tenant_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"tenant_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"type" text NOT NULL,
	"invoice_number" text,
	"reference" text,
	"status" text NOT NULL,
	"contact_id" uuid,
	"contact_name" text,
	"date" date,
	"due_date" date,
	"fully_paid_on_date" date,
	"currency_code" text,
	"currency_rate" numeric(19, 10),
	"line_amount_types" text,
	"sub_total" numeric(19, 4),
	"total_tax" numeric(19, 4),
	"total" numeric(19, 4),
	"amount_due" numeric(19, 4),
	"amount_paid" numeric(19, 4),
	"amount_credited" numeric(19, 4),
	"has_attachments" boolean DEFAULT false NOT NULL,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_tenant_id_invoice_id_pk" PRIMARY KEY("tenant_id","invoice_id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"session_token" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"tenant_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"high_water_mark" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_xero_time" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"last_full_sync_at" timestamp with time zone,
	CONSTRAINT "sync_cursors_tenant_id_entity_pk" PRIMARY KEY("tenant_id","entity")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"email" text,
	"email_verified" timestamp with time zone,
	"image" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "verification_tokens" (
	"identifier" text NOT NULL,
	"token" text NOT NULL,
	"expires" timestamp with time zone NOT NULL,
	CONSTRAINT "verification_tokens_identifier_token_pk" PRIMARY KEY("identifier","token")
);
--> statement-breakpoint
CREATE TABLE "xero_auth_requests" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"code_verifier_encrypted" text NOT NULL,
	"nonce" text,
	"session_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "xero_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"grant_type" text NOT NULL,
	"xero_user_id" text,
	"auth_event_id" text,
	"scopes" text NOT NULL,
	"token_set_encrypted" text NOT NULL,
	"access_token_expires_at" timestamp with time zone NOT NULL,
	"refresh_token_issued_at" timestamp with time zone,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "xero_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text,
	"connection_id" uuid,
	"tenant_id" uuid,
	"kind" text NOT NULL,
	"entity" text,
	"trigger" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"outcome" text DEFAULT 'running' NOT NULL,
	"api_calls" integer DEFAULT 0 NOT NULL,
	"pages" integer DEFAULT 0 NOT NULL,
	"records_fetched" integer DEFAULT 0 NOT NULL,
	"records_inserted" integer DEFAULT 0 NOT NULL,
	"records_updated" integer DEFAULT 0 NOT NULL,
	"records_unchanged" integer DEFAULT 0 NOT NULL,
	"rate_limit_waits" integer DEFAULT 0 NOT NULL,
	"rate_limit_wait_ms" bigint DEFAULT 0 NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"error" text,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "xero_tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"connection_id" uuid NOT NULL,
	"xero_tenant_id" text NOT NULL,
	"xero_connection_id" text,
	"name" text NOT NULL,
	"tenant_type" text DEFAULT 'ORGANISATION' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disconnected_at" timestamp with time zone,
	"rate_limited_until" timestamp with time zone,
	"sync_lock_owner" text,
	"sync_lock_expires_at" timestamp with time zone,
	"sync_session_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xero_auth_requests" ADD CONSTRAINT "xero_auth_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xero_connections" ADD CONSTRAINT "xero_connections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xero_sessions" ADD CONSTRAINT "xero_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xero_sessions" ADD CONSTRAINT "xero_sessions_connection_id_xero_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."xero_connections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xero_sessions" ADD CONSTRAINT "xero_sessions_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xero_tenants" ADD CONSTRAINT "xero_tenants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xero_tenants" ADD CONSTRAINT "xero_tenants_connection_id_xero_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."xero_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_user_id_idx" ON "accounts" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "contacts_tenant_name_idx" ON "contacts" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "contacts_name_trgm_idx" ON "contacts" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "contacts_email_trgm_idx" ON "contacts" USING gin ("email_address" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "contacts_tenant_status_idx" ON "contacts" USING btree ("tenant_id","contact_status");--> statement-breakpoint
CREATE INDEX "contacts_tenant_updated_idx" ON "contacts" USING btree ("tenant_id","xero_updated_at");--> statement-breakpoint
CREATE INDEX "invoices_tenant_date_idx" ON "invoices" USING btree ("tenant_id","date" DESC NULLS LAST,"invoice_id");--> statement-breakpoint
CREATE INDEX "invoices_tenant_due_date_idx" ON "invoices" USING btree ("tenant_id","due_date","invoice_id");--> statement-breakpoint
CREATE INDEX "invoices_tenant_status_idx" ON "invoices" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "invoices_tenant_contact_idx" ON "invoices" USING btree ("tenant_id","contact_id");--> statement-breakpoint
CREATE INDEX "invoices_tenant_updated_idx" ON "invoices" USING btree ("tenant_id","xero_updated_at");--> statement-breakpoint
CREATE INDEX "invoices_tenant_total_idx" ON "invoices" USING btree ("tenant_id","total");--> statement-breakpoint
CREATE INDEX "invoices_number_trgm_idx" ON "invoices" USING gin ("invoice_number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "invoices_reference_trgm_idx" ON "invoices" USING gin ("reference" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "invoices_contact_name_trgm_idx" ON "invoices" USING gin ("contact_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "sessions_user_id_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "xero_auth_requests_user_idx" ON "xero_auth_requests" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "xero_connections_user_id_idx" ON "xero_connections" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "xero_connections_user_xero_user_uq" ON "xero_connections" USING btree ("user_id","xero_user_id");--> statement-breakpoint
CREATE INDEX "xero_sessions_user_started_idx" ON "xero_sessions" USING btree ("user_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "xero_sessions_tenant_started_idx" ON "xero_sessions" USING btree ("tenant_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "xero_tenants_user_xero_tenant_uq" ON "xero_tenants" USING btree ("user_id","xero_tenant_id");--> statement-breakpoint
CREATE INDEX "xero_tenants_connection_id_idx" ON "xero_tenants" USING btree ("connection_id");