CREATE SEQUENCE "public"."mirror_change_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "overpayments" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "overpayments" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "prepayments" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "prepayments" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "tax_rates" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "tax_rates" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "tracking_categories" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "tracking_categories" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "journals" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "journals" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "bank_transactions" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "bank_transactions" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "manual_journals" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "manual_journals" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD COLUMN "change_txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "purchase_orders" ADD COLUMN "change_seq" bigint DEFAULT nextval('mirror_change_seq') NOT NULL;--> statement-breakpoint
CREATE INDEX "invoices_tenant_change_idx" ON "invoices" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "contacts_tenant_change_idx" ON "contacts" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "payments_tenant_change_idx" ON "payments" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_change_idx" ON "credit_notes" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "overpayments_tenant_change_idx" ON "overpayments" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "prepayments_tenant_change_idx" ON "prepayments" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "ledger_accounts_tenant_change_idx" ON "ledger_accounts" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "items_tenant_change_idx" ON "items" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "tax_rates_tenant_change_idx" ON "tax_rates" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "tracking_categories_tenant_change_idx" ON "tracking_categories" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "journals_tenant_change_idx" ON "journals" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "bank_transactions_tenant_change_idx" ON "bank_transactions" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "manual_journals_tenant_change_idx" ON "manual_journals" USING btree ("tenant_id","change_txid","change_seq");--> statement-breakpoint
CREATE INDEX "purchase_orders_tenant_change_idx" ON "purchase_orders" USING btree ("tenant_id","change_txid","change_seq");