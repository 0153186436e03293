CREATE TABLE "payments" (
	"tenant_id" uuid NOT NULL,
	"payment_id" uuid NOT NULL,
	"payment_type" text,
	"status" text NOT NULL,
	"date" date,
	"amount" numeric(19, 4),
	"bank_amount" numeric(19, 4),
	"currency_rate" numeric(19, 10),
	"currency_code" text,
	"reference" text,
	"is_reconciled" boolean DEFAULT false NOT NULL,
	"account_id" uuid,
	"account_code" text,
	"invoice_id" uuid,
	"invoice_number" text,
	"credit_note_id" uuid,
	"credit_note_number" text,
	"prepayment_id" uuid,
	"overpayment_id" uuid,
	"batch_payment_id" uuid,
	"contact_id" uuid,
	"contact_name" text,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_tenant_id_payment_id_pk" PRIMARY KEY("tenant_id","payment_id")
);
--> statement-breakpoint
CREATE TABLE "credit_notes" (
	"tenant_id" uuid NOT NULL,
	"credit_note_id" uuid NOT NULL,
	"type" text NOT NULL,
	"credit_note_number" text,
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
	"remaining_credit" numeric(19, 4),
	"cis_deduction" numeric(19, 4),
	"sent_to_contact" boolean DEFAULT false NOT NULL,
	"has_attachments" boolean DEFAULT false NOT NULL,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_notes_tenant_id_credit_note_id_pk" PRIMARY KEY("tenant_id","credit_note_id")
);
--> statement-breakpoint
CREATE TABLE "overpayments" (
	"tenant_id" uuid NOT NULL,
	"overpayment_id" uuid NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"contact_id" uuid,
	"contact_name" text,
	"date" date,
	"reference" text,
	"currency_code" text,
	"currency_rate" numeric(19, 10),
	"line_amount_types" text,
	"sub_total" numeric(19, 4),
	"total_tax" numeric(19, 4),
	"total" numeric(19, 4),
	"remaining_credit" numeric(19, 4),
	"has_attachments" boolean DEFAULT false NOT NULL,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "overpayments_tenant_id_overpayment_id_pk" PRIMARY KEY("tenant_id","overpayment_id")
);
--> statement-breakpoint
CREATE TABLE "prepayments" (
	"tenant_id" uuid NOT NULL,
	"prepayment_id" uuid NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"contact_id" uuid,
	"contact_name" text,
	"date" date,
	"reference" text,
	"invoice_number" text,
	"currency_code" text,
	"currency_rate" numeric(19, 10),
	"line_amount_types" text,
	"sub_total" numeric(19, 4),
	"total_tax" numeric(19, 4),
	"total" numeric(19, 4),
	"remaining_credit" numeric(19, 4),
	"has_attachments" boolean DEFAULT false NOT NULL,
	"xero_updated_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"deleted_in_xero_at" timestamp with time zone,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prepayments_tenant_id_prepayment_id_pk" PRIMARY KEY("tenant_id","prepayment_id")
);
--> statement-breakpoint
CREATE TABLE "allocations" (
	"tenant_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"source_entity" text NOT NULL,
	"position" integer NOT NULL,
	"allocation_id" uuid,
	"invoice_id" uuid,
	"invoice_number" text,
	"amount" numeric(19, 4),
	"date" date,
	CONSTRAINT "allocations_tenant_id_source_id_position_pk" PRIMARY KEY("tenant_id","source_id","position")
);
--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "overpayments" ADD CONSTRAINT "overpayments_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prepayments" ADD CONSTRAINT "prepayments_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payments_tenant_date_idx" ON "payments" USING btree ("tenant_id","date" DESC NULLS LAST,"payment_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_amount_idx" ON "payments" USING btree ("tenant_id","amount","payment_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_status_idx" ON "payments" USING btree ("tenant_id","status","payment_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_contact_name_idx" ON "payments" USING btree ("tenant_id","contact_name","payment_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_updated_idx" ON "payments" USING btree ("tenant_id","xero_updated_at","payment_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_type_idx" ON "payments" USING btree ("tenant_id","payment_type");--> statement-breakpoint
CREATE INDEX "payments_tenant_invoice_idx" ON "payments" USING btree ("tenant_id","invoice_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_credit_note_idx" ON "payments" USING btree ("tenant_id","credit_note_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_prepayment_idx" ON "payments" USING btree ("tenant_id","prepayment_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_overpayment_idx" ON "payments" USING btree ("tenant_id","overpayment_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_account_idx" ON "payments" USING btree ("tenant_id","account_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_contact_idx" ON "payments" USING btree ("tenant_id","contact_id");--> statement-breakpoint
CREATE INDEX "payments_reference_trgm_idx" ON "payments" USING gin ("reference" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "payments_invoice_number_trgm_idx" ON "payments" USING gin ("invoice_number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "payments_contact_name_trgm_idx" ON "payments" USING gin ("contact_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_date_idx" ON "credit_notes" USING btree ("tenant_id","date" DESC NULLS LAST,"credit_note_id");--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_number_idx" ON "credit_notes" USING btree ("tenant_id","credit_note_number","credit_note_id");--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_contact_name_idx" ON "credit_notes" USING btree ("tenant_id","contact_name","credit_note_id");--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_total_idx" ON "credit_notes" USING btree ("tenant_id","total","credit_note_id");--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_remaining_idx" ON "credit_notes" USING btree ("tenant_id","remaining_credit","credit_note_id");--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_status_idx" ON "credit_notes" USING btree ("tenant_id","status","credit_note_id");--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_updated_idx" ON "credit_notes" USING btree ("tenant_id","xero_updated_at","credit_note_id");--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_type_idx" ON "credit_notes" USING btree ("tenant_id","type");--> statement-breakpoint
CREATE INDEX "credit_notes_tenant_contact_idx" ON "credit_notes" USING btree ("tenant_id","contact_id");--> statement-breakpoint
CREATE INDEX "credit_notes_number_trgm_idx" ON "credit_notes" USING gin ("credit_note_number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "credit_notes_reference_trgm_idx" ON "credit_notes" USING gin ("reference" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "credit_notes_contact_name_trgm_idx" ON "credit_notes" USING gin ("contact_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "overpayments_tenant_date_idx" ON "overpayments" USING btree ("tenant_id","date" DESC NULLS LAST,"overpayment_id");--> statement-breakpoint
CREATE INDEX "overpayments_tenant_contact_name_idx" ON "overpayments" USING btree ("tenant_id","contact_name","overpayment_id");--> statement-breakpoint
CREATE INDEX "overpayments_tenant_total_idx" ON "overpayments" USING btree ("tenant_id","total","overpayment_id");--> statement-breakpoint
CREATE INDEX "overpayments_tenant_remaining_idx" ON "overpayments" USING btree ("tenant_id","remaining_credit","overpayment_id");--> statement-breakpoint
CREATE INDEX "overpayments_tenant_status_idx" ON "overpayments" USING btree ("tenant_id","status","overpayment_id");--> statement-breakpoint
CREATE INDEX "overpayments_tenant_updated_idx" ON "overpayments" USING btree ("tenant_id","xero_updated_at","overpayment_id");--> statement-breakpoint
CREATE INDEX "overpayments_tenant_contact_idx" ON "overpayments" USING btree ("tenant_id","contact_id");--> statement-breakpoint
CREATE INDEX "overpayments_reference_trgm_idx" ON "overpayments" USING gin ("reference" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "overpayments_contact_name_trgm_idx" ON "overpayments" USING gin ("contact_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "prepayments_tenant_date_idx" ON "prepayments" USING btree ("tenant_id","date" DESC NULLS LAST,"prepayment_id");--> statement-breakpoint
CREATE INDEX "prepayments_tenant_contact_name_idx" ON "prepayments" USING btree ("tenant_id","contact_name","prepayment_id");--> statement-breakpoint
CREATE INDEX "prepayments_tenant_total_idx" ON "prepayments" USING btree ("tenant_id","total","prepayment_id");--> statement-breakpoint
CREATE INDEX "prepayments_tenant_remaining_idx" ON "prepayments" USING btree ("tenant_id","remaining_credit","prepayment_id");--> statement-breakpoint
CREATE INDEX "prepayments_tenant_status_idx" ON "prepayments" USING btree ("tenant_id","status","prepayment_id");--> statement-breakpoint
CREATE INDEX "prepayments_tenant_updated_idx" ON "prepayments" USING btree ("tenant_id","xero_updated_at","prepayment_id");--> statement-breakpoint
CREATE INDEX "prepayments_tenant_contact_idx" ON "prepayments" USING btree ("tenant_id","contact_id");--> statement-breakpoint
CREATE INDEX "prepayments_reference_trgm_idx" ON "prepayments" USING gin ("reference" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "prepayments_invoice_number_trgm_idx" ON "prepayments" USING gin ("invoice_number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "prepayments_contact_name_trgm_idx" ON "prepayments" USING gin ("contact_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "allocations_tenant_invoice_idx" ON "allocations" USING btree ("tenant_id","invoice_id");