DROP TABLE "identity_settings" CASCADE;--> statement-breakpoint
DROP TABLE "clv_settings" CASCADE;--> statement-breakpoint
DROP TABLE "tag_settings" CASCADE;--> statement-breakpoint
DROP TABLE "scores_settings" CASCADE;--> statement-breakpoint
DROP TABLE "segment_settings" CASCADE;