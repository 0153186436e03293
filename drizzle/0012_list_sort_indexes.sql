CREATE INDEX "invoices_tenant_number_idx" ON "invoices" USING btree ("tenant_id","invoice_number","invoice_id");--> statement-breakpoint
CREATE INDEX "invoices_tenant_contact_name_idx" ON "invoices" USING btree ("tenant_id","contact_name","invoice_id");--> statement-breakpoint
CREATE INDEX "invoices_tenant_amount_due_idx" ON "invoices" USING btree ("tenant_id","amount_due","invoice_id");--> statement-breakpoint
CREATE INDEX "contacts_tenant_email_idx" ON "contacts" USING btree ("tenant_id","email_address","contact_id");--> statement-breakpoint
CREATE INDEX "tax_rates_tax_type_trgm_idx" ON "tax_rates" USING gin ("tax_type" gin_trgm_ops);