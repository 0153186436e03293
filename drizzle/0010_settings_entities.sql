CREATE TABLE "ledger_accounts" (
	"tenant_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"code" text,
	"name" text NOT NULL,
	"type" text,
	"class" text,
	"status" text NOT NULL,
	"description" text,
	"tax_type" text,
	"system_account" text,
	"bank_account_number" text,
	"bank_account_type" text,
	"currency_code" text,
	"enable_payments_to_account" boolean DEFAULT false NOT NULL,
	"show_in_expense_claims" boolean DEFAULT false NOT NULL,
	"reporting_code" text,
	"reporting_code_name" text,
	"add_to_watchlist" boolean DEFAULT false NOT NULL,
	"has_attachments" boolean DEFAULT false NOT NULL,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_accounts_tenant_id_account_id_pk" PRIMARY KEY("tenant_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "items" (
	"tenant_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text,
	"description" text,
	"purchase_description" text,
	"is_sold" boolean DEFAULT false NOT NULL,
	"is_purchased" boolean DEFAULT false NOT NULL,
	"is_tracked_as_inventory" boolean DEFAULT false NOT NULL,
	"sales_unit_price" numeric(19, 4),
	"sales_account_code" text,
	"sales_tax_type" text,
	"purchase_unit_price" numeric(19, 4),
	"purchase_account_code" text,
	"purchase_cogs_account_code" text,
	"purchase_tax_type" text,
	"inventory_asset_account_code" text,
	"total_cost_pool" numeric(19, 4),
	"quantity_on_hand" numeric(19, 4),
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "items_tenant_id_item_id_pk" PRIMARY KEY("tenant_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "tax_rates" (
	"tenant_id" uuid NOT NULL,
	"tax_type" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"report_tax_type" text,
	"effective_rate" numeric(19, 10),
	"display_tax_rate" numeric(19, 10),
	"can_apply_to_assets" boolean DEFAULT false NOT NULL,
	"can_apply_to_equity" boolean DEFAULT false NOT NULL,
	"can_apply_to_expenses" boolean DEFAULT false NOT NULL,
	"can_apply_to_liabilities" boolean DEFAULT false NOT NULL,
	"can_apply_to_revenue" boolean DEFAULT false NOT NULL,
	"components" text,
	"xero_updated_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tax_rates_tenant_id_tax_type_pk" PRIMARY KEY("tenant_id","tax_type")
);
--> statement-breakpoint
CREATE TABLE "tracking_categories" (
	"tenant_id" uuid NOT NULL,
	"tracking_category_id" uuid NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"option_count" integer DEFAULT 0 NOT NULL,
	"xero_updated_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tracking_categories_tenant_id_tracking_category_id_pk" PRIMARY KEY("tenant_id","tracking_category_id")
);
--> statement-breakpoint
CREATE TABLE "tracking_options" (
	"tenant_id" uuid NOT NULL,
	"tracking_category_id" uuid NOT NULL,
	"tracking_option_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	CONSTRAINT "tracking_options_tenant_id_tracking_category_id_tracking_option_id_pk" PRIMARY KEY("tenant_id","tracking_category_id","tracking_option_id")
);
--> statement-breakpoint
CREATE TABLE "journal_lines" (
	"tenant_id" uuid NOT NULL,
	"journal_id" uuid NOT NULL,
	"journal_line_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"account_id" uuid,
	"account_code" text,
	"account_name" text,
	"account_type" text,
	"description" text,
	"net_amount" numeric(19, 4),
	"gross_amount" numeric(19, 4),
	"tax_amount" numeric(19, 4),
	"tax_type" text,
	"tax_name" text,
	CONSTRAINT "journal_lines_tenant_id_journal_id_journal_line_id_pk" PRIMARY KEY("tenant_id","journal_id","journal_line_id")
);
--> statement-breakpoint
CREATE TABLE "journals" (
	"tenant_id" uuid NOT NULL,
	"journal_id" uuid NOT NULL,
	"journal_number" integer NOT NULL,
	"journal_date" date,
	"reference" text,
	"source_id" uuid,
	"source_type" text,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "journals_tenant_id_journal_id_pk" PRIMARY KEY("tenant_id","journal_id")
);
--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_rates" ADD CONSTRAINT "tax_rates_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_categories" ADD CONSTRAINT "tracking_categories_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_options" ADD CONSTRAINT "tracking_options_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_lines" ADD CONSTRAINT "journal_lines_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journals" ADD CONSTRAINT "journals_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_accounts_tenant_code_idx" ON "ledger_accounts" USING btree ("tenant_id","code","account_id");--> statement-breakpoint
CREATE INDEX "ledger_accounts_tenant_name_idx" ON "ledger_accounts" USING btree ("tenant_id","name","account_id");--> statement-breakpoint
CREATE INDEX "ledger_accounts_tenant_type_idx" ON "ledger_accounts" USING btree ("tenant_id","type","account_id");--> statement-breakpoint
CREATE INDEX "ledger_accounts_tenant_status_idx" ON "ledger_accounts" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "ledger_accounts_tenant_class_idx" ON "ledger_accounts" USING btree ("tenant_id","class");--> statement-breakpoint
CREATE INDEX "ledger_accounts_tenant_updated_idx" ON "ledger_accounts" USING btree ("tenant_id","xero_updated_at","account_id");--> statement-breakpoint
CREATE INDEX "ledger_accounts_name_trgm_idx" ON "ledger_accounts" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "ledger_accounts_code_trgm_idx" ON "ledger_accounts" USING gin ("code" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "items_tenant_code_idx" ON "items" USING btree ("tenant_id","code","item_id");--> statement-breakpoint
CREATE INDEX "items_tenant_name_idx" ON "items" USING btree ("tenant_id","name","item_id");--> statement-breakpoint
CREATE INDEX "items_tenant_sales_price_idx" ON "items" USING btree ("tenant_id","sales_unit_price","item_id");--> statement-breakpoint
CREATE INDEX "items_tenant_updated_idx" ON "items" USING btree ("tenant_id","xero_updated_at","item_id");--> statement-breakpoint
CREATE INDEX "items_code_trgm_idx" ON "items" USING gin ("code" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "items_name_trgm_idx" ON "items" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "items_description_trgm_idx" ON "items" USING gin ("description" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "tax_rates_tenant_name_idx" ON "tax_rates" USING btree ("tenant_id","name","tax_type");--> statement-breakpoint
CREATE INDEX "tax_rates_tenant_rate_idx" ON "tax_rates" USING btree ("tenant_id","effective_rate","tax_type");--> statement-breakpoint
CREATE INDEX "tax_rates_tenant_status_idx" ON "tax_rates" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "tax_rates_name_trgm_idx" ON "tax_rates" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "tracking_categories_tenant_name_idx" ON "tracking_categories" USING btree ("tenant_id","name","tracking_category_id");--> statement-breakpoint
CREATE INDEX "tracking_categories_tenant_status_idx" ON "tracking_categories" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "tracking_categories_name_trgm_idx" ON "tracking_categories" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "tracking_options_tenant_option_idx" ON "tracking_options" USING btree ("tenant_id","tracking_option_id");--> statement-breakpoint
CREATE INDEX "journal_lines_tenant_account_idx" ON "journal_lines" USING btree ("tenant_id","account_id","journal_id");--> statement-breakpoint
CREATE INDEX "journals_tenant_number_idx" ON "journals" USING btree ("tenant_id","journal_number","journal_id");--> statement-breakpoint
CREATE INDEX "journals_tenant_date_idx" ON "journals" USING btree ("tenant_id","journal_date" DESC NULLS LAST,"journal_id");--> statement-breakpoint
CREATE INDEX "journals_tenant_source_type_idx" ON "journals" USING btree ("tenant_id","source_type");--> statement-breakpoint
CREATE INDEX "journals_tenant_source_idx" ON "journals" USING btree ("tenant_id","source_id");--> statement-breakpoint
CREATE INDEX "journals_tenant_updated_idx" ON "journals" USING btree ("tenant_id","xero_updated_at","journal_id");--> statement-breakpoint
CREATE INDEX "journals_reference_trgm_idx" ON "journals" USING gin ("reference" gin_trgm_ops);