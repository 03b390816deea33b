-- The order events apart from the rest: every `Order Completed` and `Order Refunded` with an
-- order_id, as the loader appends them to `events`, with the columns the order metrics read
-- (the KPI dashboard, campaign revenue, RFM). Those queries read this table instead of filtering
-- every event, about one row in eight. The loader fills it in the transaction that appends the
-- events (rollUpOrderEvents in packages/core/src/warehouse/order-rollup.ts) and moves its own
-- offset, `warehouse.orders`, with it; on a warehouse that had events before this table, the
-- first load catches up from offset 0. The snapshot refresh fills in identifier_id as it does
-- for `events`.
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
