CREATE TABLE "object_history" (
	"site_id" uuid NOT NULL,
	"revision" bigint NOT NULL,
	"resource_type" text NOT NULL,
	"parent" text DEFAULT '' NOT NULL,
	"name" text NOT NULL,
	"spec" jsonb,
	CONSTRAINT "object_history_site_id_resource_type_parent_name_revision_pk" PRIMARY KEY("site_id","resource_type","parent","name","revision")
);
--> statement-breakpoint
ALTER TABLE "object_history" ADD CONSTRAINT "object_history_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "object_history_site_id_revision_index" ON "object_history" USING btree ("site_id","revision");--> statement-breakpoint
-- History begins here for sites that already exist: their current state, at their current revision.
INSERT INTO "object_history" ("site_id", "revision", "resource_type", "parent", "name", "spec")
SELECT s."id", s."revision", 'site', '', s."name", s."spec" FROM "sites" s
UNION ALL
SELECT s."id", s."revision", 'director', '', o."name", o."spec" FROM "directors" o JOIN "sites" s ON s."id" = o."site_id"
UNION ALL
SELECT s."id", s."revision", 'vrrp-instance', '', o."name", o."spec" FROM "vrrp_instances" o JOIN "sites" s ON s."id" = o."site_id"
UNION ALL
SELECT s."id", s."revision", 'virtual-server', '', o."name", o."spec" FROM "virtual_servers" o JOIN "sites" s ON s."id" = o."site_id"
UNION ALL
SELECT s."id", s."revision", 'real-server', v."name", o."name", o."spec" FROM "real_servers" o JOIN "virtual_servers" v ON v."id" = o."parent_id" JOIN "sites" s ON s."id" = o."site_id";
