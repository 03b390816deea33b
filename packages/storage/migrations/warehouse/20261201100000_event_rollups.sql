-- Two tables the loader keeps from `events` as it appends them, in the same transaction, so the
-- analytical queries that need a small part of the events read that part alone
-- (packages/core/src/warehouse/rollups.ts). Each has its own offset in _siyu_warehouse_offsets
-- (`warehouse.orders`, `warehouse.first_touches`); on a warehouse that had events before them,
-- the loader's first pass catches up from 0. The snapshot refresh follows late anchors into both.

-- The order events: every `Order Completed` and `Order Refunded` with an order_id, with the columns
-- the order metrics read (the KPI dashboard, campaign revenue, RFM): about one event in eight.
create table order_events (
  workspace_id uuid not null using compression rle,
  seq bigint not null,                 -- events.seq
  event varchar not null,              -- Order Completed | Order Refunded
  order_id varchar not null,
  identifier_id uuid using compression uncompressed,
  ts timestamptz not null,
  store_id varchar,
  revenue double,                      -- events.revenue: total, else revenue (major units)
  campaign varchar,                    -- utm_campaign, else campaign, else context.campaign.name
  source varchar,                      -- utm_source, else context.campaign.source
  products json                        -- properties.products
);

create view order_events_with_profile as
select o.*, pi.profile_id
from order_events o
left join profile_identifiers pi on pi.workspace_id = o.workspace_id and pi.identifier_id = o.identifier_id;

-- Each identifier's first store, campaign source and campaign name: the earliest event (by ts,
-- then seq) carrying properties.store_id, context.campaign.source, context.campaign.name. New
-- members' acquisition channel and home store are read here instead of from all their events.
create table first_touches (
  workspace_id uuid not null using compression rle,
  identifier_id uuid not null using compression uncompressed,
  kind varchar not null,               -- store | source | campaign
  ts timestamptz not null,
  seq bigint not null,
  value varchar not null,
  primary key (workspace_id, identifier_id, kind)
);
