CREATE TABLE "entities" (
	"entity_id" text PRIMARY KEY NOT NULL,
	"entity_type" text NOT NULL,
	"name" text,
	"is_active" boolean DEFAULT true NOT NULL,
	"metadata" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "time_series_data" (
	"entity_id" text NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"value" double precision NOT NULL,
	"value2" double precision,
	"value3" double precision,
	"value4" double precision,
	"metadata" jsonb,
	CONSTRAINT "time_series_data_pkey" PRIMARY KEY("entity_id","time")
);
--> statement-breakpoint
CREATE INDEX "ix_entities_entity_type" ON "entities" USING btree ("entity_type");--> statement-breakpoint
CREATE INDEX "ix_entities_is_active" ON "entities" USING btree ("is_active");--> statement-breakpoint
CREATE INDEX "ix_time_series_data_time" ON "time_series_data" USING btree ("time" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_time_series_data_value_time" ON "time_series_data" USING btree ("value","time" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_time_series_data_metadata_gin" ON "time_series_data" USING gin ("metadata");