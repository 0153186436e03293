CREATE TABLE "bank_transactions" (
	"tenant_id" uuid NOT NULL,
	"bank_transaction_id" uuid NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"reference" text,
	"contact_id" uuid,
	"contact_name" text,
	"bank_account_id" uuid,
	"bank_account_code" text,
	"bank_account_name" text,
	"date" date,
	"is_reconciled" boolean DEFAULT false NOT NULL,
	"currency_code" text,
	"currency_rate" numeric(19, 10),
	"line_amount_types" text,
	"sub_total" numeric(19, 4),
	"total_tax" numeric(19, 4),
	"total" numeric(19, 4),
	"prepayment_id" uuid,
	"overpayment_id" uuid,
	"has_attachments" boolean DEFAULT false NOT NULL,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bank_transactions_tenant_id_bank_transaction_id_pk" PRIMARY KEY("tenant_id","bank_transaction_id")
);
--> statement-breakpoint
CREATE TABLE "manual_journal_lines" (
	"tenant_id" uuid NOT NULL,
	"manual_journal_id" uuid NOT NULL,
	"line_number" integer NOT NULL,
	"account_id" uuid,
	"account_code" text,
	"description" text,
	"line_amount" numeric(19, 4),
	"tax_type" text,
	"tax_amount" numeric(19, 4),
	"is_blank" boolean DEFAULT false NOT NULL,
	"tracking" jsonb,
	CONSTRAINT "manual_journal_lines_tenant_id_manual_journal_id_line_number_pk" PRIMARY KEY("tenant_id","manual_journal_id","line_number")
);
--> statement-breakpoint
CREATE TABLE "manual_journals" (
	"tenant_id" uuid NOT NULL,
	"manual_journal_id" uuid NOT NULL,
	"narration" text NOT NULL,
	"status" text NOT NULL,
	"date" date,
	"line_amount_types" text,
	"show_on_cash_basis_reports" boolean DEFAULT true NOT NULL,
	"total_debit" numeric(19, 4),
	"has_attachments" boolean DEFAULT false NOT NULL,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "manual_journals_tenant_id_manual_journal_id_pk" PRIMARY KEY("tenant_id","manual_journal_id")
);
--> statement-breakpoint
CREATE TABLE "purchase_orders" (
	"tenant_id" uuid NOT NULL,
	"purchase_order_id" uuid NOT NULL,
	"purchase_order_number" text,
	"reference" text,
	"status" text NOT NULL,
	"contact_id" uuid,
	"contact_name" text,
	"date" date,
	"delivery_date" date,
	"expected_arrival_date" date,
	"currency_code" text,
	"currency_rate" numeric(19, 10),
	"line_amount_types" text,
	"sub_total" numeric(19, 4),
	"total_tax" numeric(19, 4),
	"total" numeric(19, 4),
	"total_discount" numeric(19, 4),
	"sent_to_contact" boolean DEFAULT false NOT NULL,
	"attention_to" text,
	"delivery_address" text,
	"telephone" text,
	"delivery_instructions" text,
	"branding_theme_id" uuid,
	"has_attachments" boolean DEFAULT false NOT NULL,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchase_orders_tenant_id_purchase_order_id_pk" PRIMARY KEY("tenant_id","purchase_order_id")
);
--> statement-breakpoint
ALTER TABLE "bank_transactions" ADD CONSTRAINT "bank_transactions_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manual_journal_lines" ADD CONSTRAINT "manual_journal_lines_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manual_journals" ADD CONSTRAINT "manual_journals_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bank_transactions_tenant_date_idx" ON "bank_transactions" USING btree ("tenant_id","date" DESC NULLS LAST,"bank_transaction_id");--> statement-breakpoint
CREATE INDEX "bank_transactions_tenant_total_idx" ON "bank_transactions" USING btree ("tenant_id","total","bank_transaction_id");--> statement-breakpoint
CREATE INDEX "bank_transactions_tenant_contact_name_idx" ON "bank_transactions" USING btree ("tenant_id","contact_name","bank_transaction_id");--> statement-breakpoint
CREATE INDEX "bank_transactions_tenant_status_idx" ON "bank_transactions" USING btree ("tenant_id","status","bank_transaction_id");--> statement-breakpoint
CREATE INDEX "bank_transactions_tenant_type_idx" ON "bank_transactions" USING btree ("tenant_id","type","bank_transaction_id");--> statement-breakpoint
CREATE INDEX "bank_transactions_tenant_contact_idx" ON "bank_transactions" USING btree ("tenant_id","contact_id");--> statement-breakpoint
CREATE INDEX "bank_transactions_tenant_bank_account_idx" ON "bank_transactions" USING btree ("tenant_id","bank_account_id");--> statement-breakpoint
CREATE INDEX "bank_transactions_tenant_updated_idx" ON "bank_transactions" USING btree ("tenant_id","xero_updated_at","bank_transaction_id");--> statement-breakpoint
CREATE INDEX "bank_transactions_reference_trgm_idx" ON "bank_transactions" USING gin ("reference" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "bank_transactions_contact_name_trgm_idx" ON "bank_transactions" USING gin ("contact_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "manual_journal_lines_tenant_account_idx" ON "manual_journal_lines" USING btree ("tenant_id","account_id");--> statement-breakpoint
CREATE INDEX "manual_journal_lines_tenant_account_code_idx" ON "manual_journal_lines" USING btree ("tenant_id","account_code");--> statement-breakpoint
CREATE INDEX "manual_journals_tenant_date_idx" ON "manual_journals" USING btree ("tenant_id","date" DESC NULLS LAST,"manual_journal_id");--> statement-breakpoint
CREATE INDEX "manual_journals_tenant_status_idx" ON "manual_journals" USING btree ("tenant_id","status","manual_journal_id");--> statement-breakpoint
CREATE INDEX "manual_journals_tenant_total_debit_idx" ON "manual_journals" USING btree ("tenant_id","total_debit","manual_journal_id");--> statement-breakpoint
CREATE INDEX "manual_journals_tenant_updated_idx" ON "manual_journals" USING btree ("tenant_id","xero_updated_at","manual_journal_id");--> statement-breakpoint
CREATE INDEX "manual_journals_narration_trgm_idx" ON "manual_journals" USING gin ("narration" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "purchase_orders_tenant_date_idx" ON "purchase_orders" USING btree ("tenant_id","date" DESC NULLS LAST,"purchase_order_id");--> statement-breakpoint
CREATE INDEX "purchase_orders_tenant_number_idx" ON "purchase_orders" USING btree ("tenant_id","purchase_order_number","purchase_order_id");--> statement-breakpoint
CREATE INDEX "purchase_orders_tenant_delivery_date_idx" ON "purchase_orders" USING btree ("tenant_id","delivery_date","purchase_order_id");--> statement-breakpoint
CREATE INDEX "purchase_orders_tenant_contact_name_idx" ON "purchase_orders" USING btree ("tenant_id","contact_name","purchase_order_id");--> statement-breakpoint
CREATE INDEX "purchase_orders_tenant_total_idx" ON "purchase_orders" USING btree ("tenant_id","total","purchase_order_id");--> statement-breakpoint
CREATE INDEX "purchase_orders_tenant_status_idx" ON "purchase_orders" USING btree ("tenant_id","status","purchase_order_id");--> statement-breakpoint
CREATE INDEX "purchase_orders_tenant_contact_idx" ON "purchase_orders" USING btree ("tenant_id","contact_id");--> statement-breakpoint
CREATE INDEX "purchase_orders_tenant_updated_idx" ON "purchase_orders" USING btree ("tenant_id","xero_updated_at","purchase_order_id");--> statement-breakpoint
CREATE INDEX "purchase_orders_number_trgm_idx" ON "purchase_orders" USING gin ("purchase_order_number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "purchase_orders_reference_trgm_idx" ON "purchase_orders" USING gin ("reference" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "purchase_orders_contact_name_trgm_idx" ON "purchase_orders" USING gin ("contact_name" gin_trgm_ops);