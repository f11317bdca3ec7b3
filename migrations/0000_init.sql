CREATE TYPE "public"."role" AS ENUM('admin', 'operator', 'viewer', 'agent');--> statement-breakpoint
CREATE TABLE "agent_status" (
	"director_id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"applied_revision" bigint,
	"report" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"role" "role" NOT NULL,
	"director_id" uuid,
	"token_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource" text NOT NULL,
	"site_id" uuid,
	"revision" bigint,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "directors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"site_id" uuid NOT NULL,
	"parent_id" uuid,
	"name" text NOT NULL,
	"spec" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "directors_site_id_parent_id_name_unique" UNIQUE NULLS NOT DISTINCT("site_id","parent_id","name")
);
--> statement-breakpoint
CREATE TABLE "real_servers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"site_id" uuid NOT NULL,
	"parent_id" uuid,
	"name" text NOT NULL,
	"spec" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "real_servers_site_id_parent_id_name_unique" UNIQUE NULLS NOT DISTINCT("site_id","parent_id","name")
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"spec" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"revision" bigint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sites_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "virtual_servers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"site_id" uuid NOT NULL,
	"parent_id" uuid,
	"name" text NOT NULL,
	"spec" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "virtual_servers_site_id_parent_id_name_unique" UNIQUE NULLS NOT DISTINCT("site_id","parent_id","name")
);
--> statement-breakpoint
CREATE TABLE "vrrp_instances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"site_id" uuid NOT NULL,
	"parent_id" uuid,
	"name" text NOT NULL,
	"spec" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vrrp_instances_site_id_parent_id_name_unique" UNIQUE NULLS NOT DISTINCT("site_id","parent_id","name")
);
--> statement-breakpoint
CREATE TABLE "vrrp_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"director_id" uuid NOT NULL,
	"site_id" uuid NOT NULL,
	"instance" text NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"reason" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_status" ADD CONSTRAINT "agent_status_director_id_directors_id_fk" FOREIGN KEY ("director_id") REFERENCES "public"."directors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_director_id_directors_id_fk" FOREIGN KEY ("director_id") REFERENCES "public"."directors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directors" ADD CONSTRAINT "directors_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "real_servers" ADD CONSTRAINT "real_servers_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "real_servers" ADD CONSTRAINT "real_servers_parent_id_virtual_servers_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."virtual_servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "virtual_servers" ADD CONSTRAINT "virtual_servers_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vrrp_instances" ADD CONSTRAINT "vrrp_instances_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vrrp_transitions" ADD CONSTRAINT "vrrp_transitions_director_id_directors_id_fk" FOREIGN KEY ("director_id") REFERENCES "public"."directors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_site_id_id_index" ON "audit_events" USING btree ("site_id","id");--> statement-breakpoint
CREATE INDEX "audit_events_resource_type_id_index" ON "audit_events" USING btree ("resource_type","id");--> statement-breakpoint
CREATE INDEX "directors_parent_id_index" ON "directors" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "real_servers_parent_id_index" ON "real_servers" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "virtual_servers_parent_id_index" ON "virtual_servers" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "vrrp_instances_parent_id_index" ON "vrrp_instances" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "vrrp_transitions_site_id_id_index" ON "vrrp_transitions" USING btree ("site_id","id");--> statement-breakpoint
CREATE INDEX "vrrp_transitions_director_id_id_index" ON "vrrp_transitions" USING btree ("director_id","id");