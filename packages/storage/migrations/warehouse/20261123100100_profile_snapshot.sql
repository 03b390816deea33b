-- A copy of the identity graph and the profiles, replaced as a whole by refreshProfileSnapshot.
-- Events carry their anchor identifier (fixed forever); which profile an identifier belongs to
-- changes with merges and splits, and is read here: events → profile_identifiers → profiles.
create table profile_identifiers (
  workspace_id uuid not null,
  identifier_id uuid not null,
  type varchar not null,
  value varchar not null,
  profile_id uuid not null           -- the live profile now
);

create table profiles (
  workspace_id uuid not null,
  id uuid not null,
  merged_into uuid,                  -- set on a profile that was absorbed by a merge
  name varchar,
  phone varchar,
  first_seen_at timestamptz,
  last_seen_at timestamptz,
  event_count integer not null,
  order_count integer not null,
  total_spend_minor bigint not null,
  last_order_at timestamptz,
  traits json
);

-- Every event with the profile it belongs to now (null until the projector has anchored it
-- and the snapshot has been refreshed since). DuckDB fixes a view's columns when it is created:
-- a migration that adds a column to events must re-create this view in the same file.
create view events_with_profile as
select e.*, pi.profile_id
from events e
left join profile_identifiers pi on pi.workspace_id = e.workspace_id and pi.identifier_id = e.identifier_id;
