-- Agents' teams (a JSON list of team names; NULL when none), matched by the
-- routing plan's timed steps that ask for a team. A projection.
ALTER TABLE agents ADD COLUMN teams TEXT;
