-- Issue 24, value over time: when the value was given, which a brand may state when it
-- records it later (never before the grant, never in the future). NULL in rows recorded
-- before this column: those were given when recorded (created_at).
ALTER TABLE value_events ADD COLUMN given_at INTEGER;
