CREATE TABLE "devices" (
	"device_id" text PRIMARY KEY NOT NULL,
	"site" text NOT NULL,
	"label" text,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ix_devices_site" ON "devices" USING btree ("site");