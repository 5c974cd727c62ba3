CREATE TABLE "meter_readings" (
	"meter_id" text NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"kwh" double precision NOT NULL,
	CONSTRAINT "meter_readings_meter_id_time_pk" PRIMARY KEY("meter_id","time")
);
