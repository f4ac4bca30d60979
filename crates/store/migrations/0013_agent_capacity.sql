-- Agents' capacity per channel where set (a JSON object, channel name to
-- interactions at once; NULL: every channel's default). A projection.
ALTER TABLE agents ADD COLUMN capacity TEXT;
