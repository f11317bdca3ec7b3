CREATE TABLE "director_maintenance" (
	"director_id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"reason" text
);
--> statement-breakpoint
ALTER TABLE "director_maintenance" ADD CONSTRAINT "director_maintenance_director_id_directors_id_fk" FOREIGN KEY ("director_id") REFERENCES "public"."directors"("id") ON DELETE cascade ON UPDATE no action;