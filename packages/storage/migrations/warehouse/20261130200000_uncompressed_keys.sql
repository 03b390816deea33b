-- The UUID keys every analytical query joins on are stored uncompressed, and workspace_id
-- run-length encoded. DuckDB packs a UUID column's bits per segment (BitPacking over 128-bit
-- values), and unpacking them was most of the cost of reading a file-backed warehouse: counting
-- the distinct identifier_id of 6M events took 2.2 s packed and 0.17 s uncompressed; filtering
-- 6M events of three interleaved workspaces on workspace_id took 3.5 s packed and 57 ms as runs
-- (bench/RESULTS.md, run 26). The keys cost 16 bytes a row on disk instead; a workspace's events
-- arrive in runs, so its id costs next to nothing.
--
-- DuckDB sets a column's compression when the table is created, so each table is built again
-- with its rows, in the same column order (the loader appends by position).

drop view events_with_profile;

alter table events rename to _events_packed;
create table events (
  workspace_id uuid not null using compression rle,
  seq bigint not null,
  message_id varchar not null,
  type varchar not null,
  event varchar,
  user_id varchar,
  anonymous_id varchar,
  ts timestamptz not null,
  received_at timestamptz not null,
  identifier_id uuid using compression uncompressed,
  page_name varchar,
  page_path varchar,
  channel varchar,
  library varchar,
  store_id varchar,
  order_id varchar,
  product_id varchar,
  revenue double,
  currency varchar,
  properties json,
  context json,
  traits json
);
insert into events select * from _events_packed;
drop table _events_packed;

alter table profile_identifiers rename to _profile_identifiers_packed;
create table profile_identifiers (
  workspace_id uuid not null using compression rle,
  identifier_id uuid not null using compression uncompressed,
  type varchar not null,
  value varchar not null,
  profile_id uuid not null using compression uncompressed
);
insert into profile_identifiers select * from _profile_identifiers_packed;
drop table _profile_identifiers_packed;

alter table profiles rename to _profiles_packed;
create table profiles (
  workspace_id uuid not null using compression rle,
  id uuid not null using compression uncompressed,
  merged_into uuid,
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
insert into profiles select * from _profiles_packed;
drop table _profiles_packed;

alter table profile_tags rename to _profile_tags_packed;
create table profile_tags (
  workspace_id uuid not null using compression rle,
  profile_id uuid not null using compression uncompressed,
  tag_id uuid not null
);
insert into profile_tags select * from _profile_tags_packed;
drop table _profile_tags_packed;

alter table profile_scores rename to _profile_scores_packed;
create table profile_scores (
  workspace_id uuid not null using compression rle,
  profile_id uuid not null using compression uncompressed,
  rfm_r tinyint,
  rfm_f tinyint,
  rfm_m tinyint,
  rfm_cell varchar,
  rfm_layer varchar,
  lifecycle_stage varchar,
  value_tier varchar,
  computed_at timestamptz not null
);
insert into profile_scores select * from _profile_scores_packed;
drop table _profile_scores_packed;

alter table profile_clv rename to _profile_clv_packed;
create table profile_clv (
  workspace_id uuid not null using compression rle,
  profile_id uuid not null using compression uncompressed,
  p_alive double not null,
  expected_purchases_90d double not null,
  expected_purchases_180d double not null,
  expected_purchases_365d double not null,
  expected_order_value double,
  expected_value_90d double,
  expected_value_180d double,
  expected_value_365d double,
  next_purchase_from timestamptz,
  next_purchase_to timestamptz,
  computed_at timestamptz not null
);
insert into profile_clv select * from _profile_clv_packed;
drop table _profile_clv_packed;

alter table profile_consents rename to _profile_consents_packed;
create table profile_consents (
  workspace_id uuid not null using compression rle,
  profile_id uuid not null using compression uncompressed,
  channel varchar not null,
  purpose varchar not null,
  granted boolean not null,
  updated_at timestamptz not null
);
insert into profile_consents select * from _profile_consents_packed;
drop table _profile_consents_packed;

create view events_with_profile as
select e.*, pi.profile_id
from events e
left join profile_identifiers pi on pi.workspace_id = e.workspace_id and pi.identifier_id = e.identifier_id;
