CREATE TABLE "mirror_summaries" (
	"tenant_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"facet" text NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"deleted" boolean NOT NULL,
	"dim" text NOT NULL,
	"day" date,
	"n" bigint NOT NULL,
	"s0" numeric,
	"s1" numeric,
	"s2" numeric,
	"s3" numeric,
	CONSTRAINT "mirror_summaries_group_key" UNIQUE NULLS NOT DISTINCT("tenant_id","entity","facet","currency","status","deleted","dim","day")
);
--> statement-breakpoint
ALTER TABLE "mirror_summaries" ADD CONSTRAINT "mirror_summaries_tenant_id_xero_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."xero_tenants"("id") ON DELETE cascade ON UPDATE no action;