-- The event warehouse: one row per event of the log (events_log in PostgreSQL), loaded
-- exactly once by the warehouse loader. Common fields are typed columns; the rest of the
-- message stays queryable as JSON (properties->>'$.sku'). The loader appends by position
-- (EVENT_COLUMNS in packages/core/src/warehouse/event-row.ts): add columns at the end, update
-- both, and re-create the events_with_profile view.
create table events (
  workspace_id uuid not null,
  seq bigint not null,               -- events_log.seq: log order, unique across workspaces
  message_id varchar not null,
  type varchar not null,             -- track | identify | page | screen | group | alias
  event varchar,                     -- track event name
  user_id varchar,
  anonymous_id varchar,
  ts timestamptz not null,           -- when it happened (device clock corrected), UTC
  received_at timestamptz not null,
  identifier_id uuid,                -- the event's anchor identifier (profile_event_anchors); join profile_identifiers for the current profile
  page_name varchar,                 -- page / screen name
  page_path varchar,                 -- context.page.path, else properties.path
  channel varchar,                   -- channel, else context.channel
  library varchar,                   -- context.library.name
  store_id varchar,                  -- properties.store_id
  order_id varchar,                  -- properties.order_id
  product_id varchar,                -- properties.product_id
  revenue double,                    -- properties.total, else revenue (major units, as sent)
  currency varchar,                  -- properties.currency, upper case
  properties json,
  context json,
  traits json
);

-- Where each loader stands in the log. It lives here, beside the rows it describes, and
-- moves in the same DuckDB transaction as they do: that is what makes loading exactly-once.
create table _siyu_warehouse_offsets (
  consumer varchar primary key,
  position bigint not null,
  updated_at timestamptz not null default now()
);
